'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { useLivePoll } from '@/components/ui/use-live-poll';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { InboxIcon, RefreshIcon } from '@/components/ui/icons';
import { Input, Select } from '@/components/ui/input';
import { StatusBadge } from '@/components/ui/badge';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { TimeAgo } from '@/components/ui/time-ago';
import type { RunFilterOptions } from '@/lib/runs/filter-options';
import type { RunsPoll } from '@/lib/runs/live';
import type { RunListItem } from '@/lib/runs/query';
import type { ActionResult } from '@/lib/api/action';
import {
  FINAL_STATUSES,
  RUN_STATUS_CHIPS,
  TIME_RANGES,
  TRIGGER_LABELS,
  filterHref,
  formatDuration,
  type RunUrlFilter,
} from '@/lib/runs/url-filter';

const POLL_MS = 2000;

export type BulkRetryAction = (
  input: unknown,
) => Promise<ActionResult<{ retried: number; nextCursor: string | null }>>;

type Props = {
  filter: RunUrlFilter;
  from: number | null;
  initial: RunListItem[];
  initialCursor: string | null;
  options: RunFilterOptions;
  failed: { count: number; capped: boolean };
  bulkRetryAction: BulkRetryAction;
};

function apiParams(filter: RunUrlFilter, from: number | null): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of ['status', 'automationId', 'hookId', 'eventId', 'triggerType', 'q'] as const) {
    if (filter[k]) p.set(k, filter[k]);
  }
  if (from !== null) p.set('from', String(from));
  return p;
}

async function fetchRuns(params: URLSearchParams, signal?: AbortSignal): Promise<RunsPoll> {
  const res = await fetch(`/api/ui/runs?${params}`, { cache: 'no-store', signal });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as RunsPoll;
}

/** The run list: filters in the URL, live polling for new rows and unfinished ones, keyset "Load more". */
export function RunList({ filter, from, initial, initialCursor, options, failed, bulkRetryAction }: Props) {
  const [runs, setRuns] = useState(initial);
  const [cursor, setCursor] = useState(initialCursor);
  const [loadingMore, setLoadingMore] = useState(false);
  const runsRef = useRef(runs);
  useEffect(() => {
    runsRef.current = runs;
  }, [runs]);

  const live = useLivePoll(
    async (signal) => {
      const current = runsRef.current;
      const params = apiParams(filter, from);
      if (current[0]) params.set('after', current[0].id);
      else params.set('limit', '50');
      const watch = current.filter((r) => !FINAL_STATUSES.has(r.status)).map((r) => r.id);
      if (watch.length > 0) params.set('watch', watch.slice(0, 100).join(','));
      const data = await fetchRuns(params, signal);
      if (signal.aborted) return;
      // No rows yet, or more new runs than one page (a gap): show this page and continue below it.
      const restart = !current[0] || data.nextCursor !== null;
      if (restart && data.items.length > 0) setCursor(data.nextCursor);
      setRuns((prev) => merge(prev, data, restart));
    },
    POLL_MS,
    JSON.stringify([filter, from]),
  );

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const params = apiParams(filter, from);
      params.set('cursor', cursor);
      const data = await fetchRuns(params);
      setRuns((prev) => {
        const known = new Set(prev.map((r) => r.id));
        return [...prev, ...data.items.filter((r) => !known.has(r.id))];
      });
      setCursor(data.nextCursor);
    } catch {
      toast.error('Could not load more runs. Try again.');
    } finally {
      setLoadingMore(false);
    }
  }

  const filtered = Boolean(
    filter.status ||
    filter.automationId ||
    filter.hookId ||
    filter.eventId ||
    filter.triggerType ||
    filter.range ||
    filter.q,
  );

  return (
    <div className="space-y-4">
      <nav aria-label="Run status" className="flex flex-wrap gap-1.5">
        {RUN_STATUS_CHIPS.map((chip) => {
          const active = filter.status === chip.value;
          return (
            <Link
              key={chip.value || 'all'}
              href={filterHref(filter, { status: chip.value })}
              aria-current={active ? 'page' : undefined}
              className={cn(
                'rounded-full border px-3 py-1 text-xs font-medium transition-colors',
                active
                  ? 'border-accent bg-accent-soft text-accent-text'
                  : 'border-border text-muted-foreground hover:bg-muted hover:text-foreground',
              )}
            >
              {chip.label}
            </Link>
          );
        })}
      </nav>

      <FilterForm filter={filter} options={options} />

      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="flex items-center gap-1.5 text-xs text-muted-foreground" role="status">
          <span
            aria-hidden="true"
            className={
              live ? 'size-2 animate-pulse rounded-full bg-success' : 'size-2 rounded-full bg-warning'
            }
          />
          {live ? (filter.q ? 'Live (status updates)' : 'Live') : 'Reconnecting…'}
        </span>
        {failed.count > 0 && (
          <BulkRetry filter={filter} from={from} failed={failed} action={bulkRetryAction} />
        )}
      </div>

      {runs.length === 0 ? (
        <EmptyState
          icon={<InboxIcon />}
          title={filtered ? 'No runs match these filters' : 'No runs yet'}
          description={
            filtered
              ? 'Change the filters or the search, or wait: new runs appear here as they start.'
              : 'Runs appear here when an event reaches a hook with an enabled automation.'
          }
        />
      ) : (
        <RunsTable runs={runs} />
      )}

      {cursor && (
        <div className="flex justify-center">
          <Button variant="secondary" onClick={loadMore} loading={loadingMore}>
            Load more
          </Button>
        </div>
      )}
    </div>
  );
}

function merge(prev: RunListItem[], data: RunsPoll, replace: boolean): RunListItem[] {
  const updates = new Map(data.updates.map((r) => [r.id, r]));
  if (replace && data.items.length > 0) return data.items;
  const known = new Set(prev.map((r) => r.id));
  const fresh = data.items.filter((r) => !known.has(r.id));
  if (fresh.length === 0 && updates.size === 0) return prev;
  const updated = updates.size > 0 ? prev.map((r) => updates.get(r.id) ?? r) : prev;
  return [...fresh, ...updated];
}

function FilterForm({ filter, options }: { filter: RunUrlFilter; options: RunFilterOptions }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  function apply(change: Partial<RunUrlFilter>) {
    router.push(filterHref(filter, change));
  }
  return (
    <form
      ref={formRef}
      role="search"
      aria-label="Filter runs"
      className="grid gap-2 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_10rem_11rem_minmax(14rem,1.5fr)]"
      onSubmit={(e) => {
        e.preventDefault();
        const q = new FormData(e.currentTarget).get('q');
        apply({ q: typeof q === 'string' ? q.trim() : '' });
      }}
    >
      <Select
        aria-label="Automation"
        value={filter.automationId}
        onChange={(e) => apply({ automationId: e.target.value })}
      >
        <option value="">All automations</option>
        {options.automations.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </Select>
      <Select aria-label="Hook" value={filter.hookId} onChange={(e) => apply({ hookId: e.target.value })}>
        <option value="">All hooks</option>
        {options.hooks.map((h) => (
          <option key={h.id} value={h.id}>
            {h.name}
          </option>
        ))}
      </Select>
      <Select
        aria-label="Trigger type"
        value={filter.triggerType}
        onChange={(e) => apply({ triggerType: e.target.value })}
      >
        <option value="">All triggers</option>
        {Object.entries(TRIGGER_LABELS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </Select>
      <Select aria-label="Time range" value={filter.range} onChange={(e) => apply({ range: e.target.value })}>
        {TIME_RANGES.map((r) => (
          <option key={r.value || 'any'} value={r.value}>
            {r.label}
          </option>
        ))}
      </Select>
      <div className="flex gap-2">
        <Input
          type="search"
          name="q"
          aria-label="Search payloads"
          placeholder="Search payloads, e.g. cus_123"
          defaultValue={filter.q}
          maxLength={200}
        />
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </div>
      {filter.eventId && (
        <p className="text-xs text-muted-foreground sm:col-span-2 lg:col-span-5">
          Runs of event <span className="font-mono">{filter.eventId}</span> ·{' '}
          <Link className="underline" href={filterHref(filter, { eventId: '' })}>
            show all events
          </Link>
        </p>
      )}
    </form>
  );
}

function BulkRetry({
  filter,
  from,
  failed,
  action,
}: {
  filter: RunUrlFilter;
  from: number | null;
  failed: { count: number; capped: boolean };
  action: BulkRetryAction;
}) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const total = `${failed.count.toLocaleString('en-US')}${failed.capped ? '+' : ''}`;

  async function run() {
    setProgress(0);
    const body = {
      filter: {
        automationId: filter.automationId,
        hookId: filter.hookId,
        eventId: filter.eventId,
        triggerType: filter.triggerType,
        q: filter.q,
        ...(from !== null ? { from } : {}),
      },
    };
    let cursor: string | null = null;
    let done = 0;
    do {
      const result = await action({ ...body, cursor });
      if (!result.ok || !result.data) {
        toast.error(result.ok ? 'Retry failed' : result.error);
        break;
      }
      done += result.data.retried;
      cursor = result.data.nextCursor;
      setProgress(done);
    } while (cursor);
    toast.success(`Retried ${done.toLocaleString('en-US')} failed ${done === 1 ? 'run' : 'runs'}`);
    setProgress(null);
    router.refresh();
  }

  return (
    <div className="flex items-center gap-3">
      {progress !== null && (
        <span role="status" className="text-xs text-muted-foreground">
          Retried {progress.toLocaleString('en-US')} of {total}
        </span>
      )}
      <Button variant="secondary" onClick={() => setConfirming(true)} loading={progress !== null}>
        {progress === null && <RefreshIcon className="size-4" />}
        Retry failed ({total})
      </Button>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title="Retry failed runs?"
        message={`The ${total} failed runs matching the current filters are queued again, each with a fresh retry budget.`}
        confirmLabel="Retry all"
        onConfirm={() => {
          void run();
        }}
      />
    </div>
  );
}

function RunsTable({ runs }: { runs: RunListItem[] }) {
  const router = useRouter();
  return (
    <Table aria-label="Runs">
      <THead>
        <Tr>
          <Th>Status</Th>
          <Th>Automation</Th>
          <Th>Hook</Th>
          <Th>Event</Th>
          <Th className="text-right">Duration</Th>
          <Th className="text-right">Attempts</Th>
        </Tr>
      </THead>
      <TBody>
        {runs.map((r) => (
          <Tr
            key={r.id}
            className="cursor-pointer"
            onClick={(e) => {
              if ((e.target as HTMLElement).closest('a')) return;
              router.push(`/runs/${r.id}`);
            }}
          >
            <Td>
              <Link href={`/runs/${r.id}`} aria-label={`Run ${r.id}: ${r.status}`}>
                <StatusBadge status={r.status} />
              </Link>
            </Td>
            <Td className="max-w-56 truncate font-medium">
              {r.automationName ?? <span className="text-muted-foreground">(deleted)</span>}
              {r.replayOf && <span className="ml-1.5 text-xs font-normal text-muted-foreground">replay</span>}
            </Td>
            <Td className="max-w-44 truncate text-muted-foreground">
              {r.hookName ?? TRIGGER_LABELS[r.triggerType] ?? r.triggerType}
            </Td>
            <Td className="whitespace-nowrap text-muted-foreground">
              <TimeAgo date={r.eventReceivedAt ?? r.createdAt} />
            </Td>
            <Td className="text-right whitespace-nowrap tabular-nums">{formatDuration(r.durationMs)}</Td>
            <Td className="text-right tabular-nums">{r.attempts}</Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
