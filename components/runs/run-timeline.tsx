'use client';

import Link from 'next/link';
import { useEffect, useState, type ReactNode } from 'react';
import { toast } from 'sonner';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { CodeBlock } from '@/components/ui/code-block';
import { CopyButton } from '@/components/ui/copy-button';
import { PlayIcon, RefreshIcon } from '@/components/ui/icons';
import { JsonTree } from '@/components/ui/json-tree';
import { TimeAgo } from '@/components/ui/time-ago';
import type { ActionResult } from '@/lib/api/action';
import type { EventDetail } from '@/lib/events/events';
import type { AttemptDetail, RecordedRequest, RunDetail, StepDetail } from '@/lib/runs/detail';
import { FINAL_STATUSES, TRIGGER_LABELS, formatDuration } from '@/lib/runs/url-filter';

const POLL_MS = 1500;

type Props = {
  initial: RunDetail;
  event: EventDetail | null;
  retryAction: (id: string) => Promise<ActionResult<unknown>>;
  replayAction: (runId: string) => Promise<ActionResult<string[]>>;
};

function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/** A run as a timeline: event received → filter → each action with its attempts → outcome. Live until final. */
export function RunTimeline({ initial, event, retryAction, replayAction }: Props) {
  const [run, setRun] = useState(initial);
  const [watching, setWatching] = useState(!FINAL_STATUSES.has(initial.status));
  const [retrying, setRetrying] = useState(false);
  const [replaying, setReplaying] = useState(false);
  const [replayed, setReplayed] = useState<string[]>([]);

  useEffect(() => {
    if (!watching) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function poll() {
      try {
        const res = await fetch(`/api/ui/runs/${encodeURIComponent(initial.id)}`, { cache: 'no-store' });
        if (res.ok) {
          const next = (await res.json()) as RunDetail;
          if (!stopped) {
            setRun(next);
            if (FINAL_STATUSES.has(next.status)) setWatching(false);
          }
        }
      } catch {
        /* keep polling */
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    }
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [watching, initial.id]);

  async function retry() {
    setRetrying(true);
    const result = await retryAction(run.id);
    setRetrying(false);
    if (!result.ok) {
      toast.error(result.error);
      return;
    }
    toast.success('Retry queued');
    setRun((r) => ({ ...r, status: 'retrying', error: null, finishedAt: null }));
    setWatching(true);
  }

  async function replay() {
    setReplaying(true);
    const result = await replayAction(run.id);
    setReplaying(false);
    if (!result.ok) {
      toast.error(result.error);
      return;
    }
    const ids = result.data ?? [];
    setReplayed((prev) => [...ids, ...prev]);
    toast.success(`Replayed: ${ids.length} new ${ids.length === 1 ? 'run' : 'runs'} queued`);
  }

  const canRetry = run.status === 'failed' || run.status === 'retrying';

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <div className="flex items-center gap-2">
              <CardTitle>Summary</CardTitle>
              <span data-testid="run-status">
                <StatusBadge status={run.status} />
              </span>
            </div>
            <div className="flex flex-wrap gap-2">
              {canRetry && (
                <Button onClick={retry} loading={retrying}>
                  {!retrying && <RefreshIcon className="size-4" />}
                  Retry now
                </Button>
              )}
              {event?.outcome === 'accepted' && event.hookId && (
                <Button variant="secondary" onClick={replay} loading={replaying}>
                  {!replaying && <PlayIcon className="size-3.5" />}
                  Replay event
                </Button>
              )}
            </div>
          </div>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
            <Item label="Automation">
              <Link href={`/automations/${run.automationId}`} className="font-medium hover:underline">
                {run.automationName ?? run.automationId}
              </Link>{' '}
              <span className="text-xs text-muted-foreground">version {run.automationVersion}</span>
            </Item>
            <Item label="Trigger">
              {run.hookId ? (
                <Link href={`/hooks/${run.hookId}`} className="hover:underline">
                  {run.hookName ?? run.hookId}
                </Link>
              ) : (
                (TRIGGER_LABELS[run.triggerType] ?? run.triggerType)
              )}
            </Item>
            <Item label="Started">
              <TimeAgo date={run.startedAt ?? run.createdAt} />
            </Item>
            <Item label="Duration">{formatDuration(run.durationMs)}</Item>
            <Item label="Attempts">{run.attempts}</Item>
            <Item label="Run id">
              <span className="flex items-center gap-1 font-mono text-xs">
                {run.id}
                <CopyButton value={run.id} label="Copy run id" />
              </span>
            </Item>
          </dl>
          {run.error && (
            <p role="alert" className="mt-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text">
              {run.error}
            </p>
          )}
          {(replayed.length > 0 || run.relatedRuns.length > 0) && (
            <div className="mt-4 border-t border-border pt-4">
              <h3 className="mb-2 text-sm font-medium">Other runs of this event</h3>
              <ul className="flex flex-col gap-1.5">
                {replayed.map((id) => (
                  <li key={id} className="flex items-center gap-2 text-sm">
                    <Badge tone="accent">replay</Badge>
                    <Link href={`/runs/${id}`} className="font-mono text-xs hover:underline">
                      {id}
                    </Link>
                  </li>
                ))}
                {run.relatedRuns
                  .filter((r) => !replayed.includes(r.id))
                  .map((r) => (
                    <li key={r.id} className="flex items-center gap-2 text-sm">
                      <StatusBadge status={r.status} />
                      <Link href={`/runs/${r.id}`} className="font-mono text-xs hover:underline">
                        {r.id}
                      </Link>
                      <span className="text-xs text-muted-foreground">{r.automationName}</span>
                    </li>
                  ))}
              </ul>
            </div>
          )}
        </CardContent>
      </Card>

      <ol aria-label="Timeline" className="relative space-y-6 border-l border-border pl-6">
        <TimelineEntry title="Event received" tone="neutral" time={event?.receivedAt ?? run.eventReceivedAt}>
          <EventSection run={run} event={event} />
        </TimelineEntry>
        <TimelineEntry
          title={filterTitle(run)}
          tone={run.filterResult === false ? 'neutral' : run.filterResult ? 'success' : 'pending'}
        >
          {run.filterResult === false && (
            <p className="text-sm text-muted-foreground">
              The filter was false for this event, so no action ran.
            </p>
          )}
        </TimelineEntry>
        {run.steps.map((step) => (
          <TimelineEntry
            key={step.index}
            title={`Action ${step.index + 1}: ${step.action}`}
            tone={step.status === 'succeeded' ? 'success' : step.status === 'failed' ? 'danger' : 'pending'}
            badge={<StatusBadge status={step.status} />}
            time={step.startedAt}
          >
            <StepSection step={step} />
          </TimelineEntry>
        ))}
        {FINAL_STATUSES.has(run.status) && (
          <TimelineEntry
            title={`Run ${run.status === 'filtered' ? 'filtered out' : run.status}`}
            tone={run.status === 'succeeded' ? 'success' : run.status === 'failed' ? 'danger' : 'neutral'}
            time={run.finishedAt}
          />
        )}
      </ol>
    </div>
  );
}

function filterTitle(run: RunDetail): string {
  if (run.filterResult === true) return 'Filter passed';
  if (run.filterResult === false) return 'Filtered out';
  if (run.status === 'failed') return 'Filter not passed';
  return 'Filter not evaluated yet';
}

const dotTones = {
  neutral: 'bg-muted-foreground',
  success: 'bg-success',
  danger: 'bg-danger',
  pending: 'bg-warning',
};

function TimelineEntry({
  title,
  tone,
  time,
  badge,
  children,
}: {
  title: string;
  tone: keyof typeof dotTones;
  time?: number | null;
  badge?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <li className="relative">
      <span
        aria-hidden="true"
        className={cn(
          'absolute top-1.5 -left-[1.82rem] size-3 rounded-full ring-4 ring-background',
          dotTones[tone],
        )}
      />
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <h2 className="text-sm font-semibold">{title}</h2>
        {badge}
        {time ? (
          <time className="text-xs text-muted-foreground" dateTime={new Date(time).toISOString()}>
            {isoTime(time)}
          </time>
        ) : null}
      </div>
      {children}
    </li>
  );
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="min-w-0">{children}</dd>
    </div>
  );
}

function EventSection({ run, event }: { run: RunDetail; event: EventDetail | null }) {
  if (!event) return <p className="text-sm text-muted-foreground">The event is no longer stored.</p>;
  const hasTree =
    (event.body.kind === 'json' || event.body.kind === 'form' || event.body.kind === 'multipart') &&
    event.body.parsed !== null;
  return (
    <Card>
      <CardContent className="space-y-4 pt-4">
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span className="font-mono text-xs">
            {event.method} {event.path || '/'}
          </span>
          <span className="text-muted-foreground">{event.contentType ?? 'no content type'}</span>
          {run.hookId && (
            <Link href={`/hooks/${run.hookId}/events/${event.id}`} className="text-xs underline">
              Open the event
            </Link>
          )}
        </p>
        <Headers label="Event headers" headers={event.headers} />
        <div>
          <h3 className="mb-1.5 text-xs font-medium text-muted-foreground">Body</h3>
          {event.body.raw === null || event.body.kind === 'empty' ? (
            <p className="text-sm text-muted-foreground">No body.</p>
          ) : hasTree ? (
            <div className="space-y-2">
              <div className="flex justify-end">
                <CopyButton value={event.body.raw} label="Copy event body" showText variant="secondary" />
              </div>
              <JsonTree data={event.body.parsed} label="Event body" />
            </div>
          ) : (
            <CodeBlock code={event.body.raw} copyLabel="Copy event body" />
          )}
        </div>
      </CardContent>
    </Card>
  );
}

function Headers({ label, headers }: { label: string; headers: Record<string, string | string[]> }) {
  const entries = Object.entries(headers).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  const text = entries.map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join('\n');
  return (
    <details>
      <summary className="cursor-pointer text-xs font-medium text-muted-foreground">
        {label} ({entries.length})
      </summary>
      <CodeBlock className="mt-1.5" code={text} copyLabel={`Copy ${label.toLowerCase()}`} />
    </details>
  );
}

function requestText(req: RecordedRequest): string {
  return `${req.method} ${req.url}`;
}

function StepSection({ step }: { step: StepDetail }) {
  const request = step.request ?? step.attempts.at(-1)?.request ?? null;
  return (
    <Card>
      <CardContent className="space-y-4 pt-4">
        {step.status === 'skipped' && (
          <p className="text-sm text-muted-foreground">Skipped: its “when” condition was false.</p>
        )}
        {step.error && step.attempts.length === 0 && <p className="text-sm text-danger-text">{step.error}</p>}
        {request && (
          <div className="space-y-2">
            <h3 className="text-xs font-medium text-muted-foreground">Request sent</h3>
            <div className="flex items-center gap-1 font-mono text-xs break-all">
              <span>{requestText(request)}</span>
              <CopyButton value={request.url} label="Copy request URL" />
            </div>
            <Headers label="Request headers" headers={request.headers} />
            {request.body !== null && request.body !== '' && (
              <CodeBlock code={request.body} copyLabel="Copy request body" />
            )}
          </div>
        )}
        {step.attempts.length > 0 && (
          <div className="space-y-2">
            <h3 className="text-xs font-medium text-muted-foreground">Attempts</h3>
            <ol className="space-y-3">
              {step.attempts.map((a) => (
                <AttemptView key={a.n} attempt={a} />
              ))}
            </ol>
          </div>
        )}
      </CardContent>
    </Card>
  );
}

function AttemptView({ attempt: a }: { attempt: AttemptDetail }) {
  const ok = !!a.response && a.response.status >= 200 && a.response.status < 300 && !a.error;
  return (
    <li className="rounded-md border border-border p-3" aria-label={`Attempt ${a.n}`}>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium">Attempt {a.n}</span>
        {a.response ? (
          <Badge tone={ok ? 'success' : 'danger'}>HTTP {a.response.status}</Badge>
        ) : (
          <Badge tone="danger">No response</Badge>
        )}
        <span className="text-xs text-muted-foreground tabular-nums">{formatDuration(a.durationMs)}</span>
        <time className="text-xs text-muted-foreground" dateTime={new Date(a.startedAt).toISOString()}>
          {isoTime(a.startedAt)}
        </time>
        {a.nextRetryAt !== null && (
          <span className="text-xs text-warning-text">
            next retry <TimeAgo date={a.nextRetryAt} />
          </span>
        )}
      </div>
      {a.error && <p className="mt-1.5 text-sm text-danger-text">{a.error}</p>}
      {a.response && (
        <div className="mt-2 space-y-2">
          <Headers label="Response headers" headers={a.response.headers} />
          {a.response.body !== '' ? (
            <>
              {a.response.truncated && (
                <p className="text-xs text-muted-foreground">Body truncated to the first 64 KiB.</p>
              )}
              {a.response.bodyEncoding === 'base64' && (
                <p className="text-xs text-muted-foreground">Binary body, shown as base64.</p>
              )}
              <CodeBlock code={a.response.body} copyLabel={`Copy response body of attempt ${a.n}`} />
            </>
          ) : (
            <p className="text-xs text-muted-foreground">Empty response body.</p>
          )}
        </div>
      )}
    </li>
  );
}
