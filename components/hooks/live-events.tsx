'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { useLivePoll } from '@/components/ui/use-live-poll';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { InboxIcon } from '@/components/ui/icons';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { TimeAgo } from '@/components/ui/time-ago';
import type { EventRun, EventSummary } from '@/lib/events/events';
import { formatBytes, verificationLook } from './format';

const POLL_MS = 1500;
const MAX_ROWS = 200;
const PENDING_RUN = new Set(['queued', 'running', 'retrying']);

interface LivePayload {
  items: EventSummary[];
  runs: Record<string, EventRun[]>;
}

/** Polls the hook's new events and prepends them, newest first; rows with unfinished runs are refreshed too. */
export function LiveEvents({ hookId, initial }: { hookId: string; initial: EventSummary[] }) {
  const [events, setEvents] = useState(initial);
  const eventsRef = useRef(events);
  useEffect(() => {
    eventsRef.current = events;
  }, [events]);

  const live = useLivePoll(
    async (signal) => {
      const current = eventsRef.current;
      const params = new URLSearchParams();
      if (current[0]) params.set('after', current[0].id);
      const watch = current.filter((e) => e.runs.some((r) => PENDING_RUN.has(r.status))).map((e) => e.id);
      if (watch.length > 0) params.set('watch', watch.slice(0, 100).join(','));
      const res = await fetch(`/api/ui/hooks/${encodeURIComponent(hookId)}/events?${params}`, {
        cache: 'no-store',
        signal,
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const data = (await res.json()) as LivePayload;
      if (!signal.aborted) setEvents((prev) => merge(prev, data));
    },
    POLL_MS,
    hookId,
  );

  return (
    <Card>
      <CardHeader>
        <div className="flex items-center gap-3">
          <CardTitle>Recent requests</CardTitle>
          <span className="flex items-center gap-1.5 text-xs text-muted-foreground" role="status">
            <span
              aria-hidden="true"
              className={
                live ? 'size-2 animate-pulse rounded-full bg-success' : 'size-2 rounded-full bg-warning'
              }
            />
            {live ? 'Live' : 'Reconnecting…'}
          </span>
        </div>
        <CardDescription>
          Every request to this hook, newest first, including the ones it rejected.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {events.length === 0 ? (
          <EmptyState
            icon={<InboxIcon />}
            title="Waiting for the first request"
            description="Send a test event, run the curl command above, or trigger a webhook from your provider. Requests appear here as they arrive."
          />
        ) : (
          <EventsTable hookId={hookId} events={events} />
        )}
      </CardContent>
    </Card>
  );
}

function merge(prev: EventSummary[], data: LivePayload): EventSummary[] {
  const known = new Set(prev.map((e) => e.id));
  const fresh = data.items.filter((e) => !known.has(e.id));
  const hasRunUpdates = Object.keys(data.runs).length > 0;
  if (fresh.length === 0 && !hasRunUpdates) return prev;
  const updated = hasRunUpdates
    ? prev.map((e) => (data.runs[e.id] ? { ...e, runs: data.runs[e.id]! } : e))
    : prev;
  return [...fresh, ...updated].slice(0, MAX_ROWS);
}

function EventsTable({ hookId, events }: { hookId: string; events: EventSummary[] }) {
  const router = useRouter();
  return (
    <Table aria-label="Recent requests">
      <THead>
        <Tr>
          <Th>Time</Th>
          <Th>Method</Th>
          <Th>Content type</Th>
          <Th>Size</Th>
          <Th>Verification</Th>
          <Th>Outcome</Th>
          <Th>Runs</Th>
        </Tr>
      </THead>
      <TBody>
        {events.map((e) => {
          const href = `/hooks/${hookId}/events/${e.id}`;
          const v = verificationLook(e.verification);
          return (
            <Tr key={e.id} className="cursor-pointer" onClick={() => router.push(href)}>
              <Td className="whitespace-nowrap">
                <Link
                  href={href}
                  className="hover:underline"
                  aria-label={`Open request ${e.id}`}
                  onClick={(ev) => ev.stopPropagation()}
                >
                  <TimeAgo date={e.receivedAt} />
                </Link>
              </Td>
              <Td className="font-mono text-xs">{e.method}</Td>
              <Td
                className="max-w-48 truncate font-mono text-xs text-muted-foreground"
                title={e.contentType ?? ''}
              >
                {e.contentType ?? '—'}
              </Td>
              <Td className="whitespace-nowrap text-muted-foreground">{formatBytes(e.size)}</Td>
              <Td>
                <Badge tone={v.tone}>{v.label}</Badge>
              </Td>
              <Td>
                <div className="flex flex-col items-start gap-0.5">
                  <StatusBadge status={e.outcome} />
                  {e.outcome === 'rejected' && (
                    <span className="text-xs text-danger-text">
                      {e.rejectStatus ? `${e.rejectStatus} · ` : ''}
                      {e.rejectReason ?? 'Rejected'}
                    </span>
                  )}
                </div>
              </Td>
              <Td>
                <RunsCell runs={e.runs} />
              </Td>
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
}

function RunsCell({ runs }: { runs: EventRun[] }) {
  if (runs.length === 0) return <span className="text-muted-foreground">—</span>;
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return (
    <div className="flex flex-wrap items-center gap-1">
      <span className="text-xs text-muted-foreground">
        {runs.length} {runs.length === 1 ? 'run' : 'runs'}
      </span>
      {[...counts].map(([status, n]) => (
        <span key={status} className="flex items-center gap-0.5">
          <StatusBadge status={status} />
          {n > 1 && <span className="text-xs text-muted-foreground">×{n}</span>}
        </span>
      ))}
    </div>
  );
}
