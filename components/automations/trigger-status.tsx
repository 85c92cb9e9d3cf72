'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { TimeAgo } from '@/components/ui/time-ago';
import type { TriggerStatus as TriggerStatusView } from '@/lib/triggers/status';

// The scheduler's view of a schedule/poll/silence trigger: next fire, last fire or poll, last error. The page
// re-renders it every few seconds while shown, so a fresh automation's baseline or first fire appears by itself.

const REFRESH_MS = 5_000;

function When({ at, empty = 'never' }: { at: string | null; empty?: string }) {
  return at ? <TimeAgo date={at} /> : <span>{empty}</span>;
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

export function TriggerStatus({ status }: { status: TriggerStatusView }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [router]);

  let state: React.ReactNode;
  if (!status.enabled) state = <Badge>Disabled</Badge>;
  else if (status.lastError) state = <Badge tone="danger">Failing</Badge>;
  else if (status.type === 'silence') {
    state = status.armed ? (
      <Badge tone="accent">Armed</Badge>
    ) : (
      <Badge tone="warning">Fired, waiting for an event</Badge>
    );
  } else if (status.type === 'poll' && !status.baselineTaken)
    state = <Badge tone="info">Taking the baseline</Badge>;
  else state = <Badge tone="success">Active</Badge>;

  return (
    <section aria-label="Trigger status">
      <Card>
        <CardHeader className="flex flex-row items-center justify-between gap-3">
          <CardTitle>Trigger status</CardTitle>
          <Button variant="ghost" size="sm" onClick={() => router.refresh()}>
            Refresh
          </Button>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-3 sm:grid-cols-3">
            <Row label="State">{state}</Row>
            <Row label={status.type === 'silence' ? 'Fires' : 'Next'}>
              <When
                at={status.enabled && (status.type !== 'silence' || status.armed) ? status.nextFireAt : null}
                empty="—"
              />
            </Row>
            <Row label="Last fired">
              <When at={status.lastFiredAt} />
            </Row>
            {status.type === 'poll' && (
              <Row label="Last poll">
                {status.lastPoll ? (
                  <>
                    <When at={status.lastPoll.at} />{' '}
                    <span className="text-muted-foreground">
                      {status.lastPoll.status !== null ? `HTTP ${status.lastPoll.status}` : 'no response'}
                      {status.lastPoll.ok &&
                        ` · ${status.lastPoll.items} items, ${status.lastPoll.newItems} new`}
                    </span>
                  </>
                ) : (
                  'not yet'
                )}
              </Row>
            )}
            {status.type === 'silence' && (
              <Row label="Last event on the hook">
                <When at={status.hookLastEventAt} />
              </Row>
            )}
            {status.lastError && (
              <div className="sm:col-span-3">
                <Row label="Last error">
                  <span role="alert" className="text-danger-text">
                    {status.lastError}
                  </span>{' '}
                  <span className="text-muted-foreground">
                    (<When at={status.lastErrorAt} />
                    {status.consecutiveFailures > 1 &&
                      `, ${status.consecutiveFailures} failures in a row, backing off`}
                    )
                  </span>
                </Row>
              </div>
            )}
          </dl>
        </CardContent>
      </Card>
    </section>
  );
}
