import { getDbHandle } from '@/db/client';
import { NOT_QUEUED, RUN_STATUSES, type RunStatus } from '@/db/schema';
import { queueDepth } from '@/lib/delivery/queue';
import type { SessionUser } from '@/lib/users/users';
import { idFloor } from './id-time';
import { cachedStatement, statusTerm } from './query';

type Viewer = Pick<SessionUser, 'id' | 'role'>;

export const DASHBOARD_RANGES = { '24h': 24, '7d': 24 * 7 } as const;
export type DashboardRange = keyof typeof DASHBOARD_RANGES;

const HOUR = 3_600_000;
/** Latency percentiles are taken over at most this many of the window's most recent attempts. */
const LATENCY_SAMPLE = 5_000;

export interface HourBucket {
  start: number;
  events: number;
  runs: Record<RunStatus, number>;
}

export interface Dashboard {
  hasActivity: boolean;
  range: DashboardRange;
  buckets: HourBucket[];
  totals: {
    events: number;
    runs: number;
    succeeded: number;
    failed: number;
    filtered: number;
    pending: number;
  };
  /** succeeded / (succeeded + failed) over the window; null when nothing finished. */
  successRate: number | null;
  latency: { p50: number | null; p95: number | null; samples: number };
  queue: { due: number; oldestDueAt: number | null };
  pausedDestinations: {
    host: string;
    pausedUntil: number | null;
    manuallyPaused: boolean;
    consecutiveFailures: number;
  }[];
  topFailing: { automationId: string; name: string | null; failed: number }[];
}

function emptyRuns(): Record<RunStatus, number> {
  return { queued: 0, running: 0, retrying: 0, succeeded: 0, failed: 0, filtered: 0 };
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function parseRange(value: string | undefined | null): DashboardRange {
  return value === '7d' ? '7d' : '24h';
}

/** What came in, what ran and what failed over the last 24 h or 7 d, by hour (the user's own data). */
export function getDashboard(user: Viewer, range: DashboardRange = '24h', now = Date.now()): Dashboard {
  const { sqlite } = getDbHandle();
  const hours = DASHBOARD_RANGES[range];
  const firstHour = Math.floor(now / HOUR) * HOUR - (hours - 1) * HOUR;
  const buckets: HourBucket[] = Array.from({ length: hours }, (_, i) => ({
    start: firstHour + i * HOUR,
    events: 0,
    runs: emptyRuns(),
  }));

  // Small index-range counts per hour: time-sortable ids turn each hour into an id range, and nothing is sorted.
  // Events are counted hook by hook (events_hook_idx, covering) plus the few with no hook (the partial
  // events_user_hookless_idx): there is no (user_id, id) index on events (migration 0009). Runs: (user_id, status, id).
  const countEvents = cachedStatement(
    sqlite,
    `select (select count(*) from events where hook_id in (select id from hooks where user_id = @userId)
               and id >= @from and id < @to)
          + (select count(*) from events where user_id = @userId and hook_id is null and id >= @from and id < @to)
       as n`,
  );
  // Queued runs from their own index; the others from the partial (user_id, status, id) (db/schema/runs.ts).
  const countRuns = cachedStatement(
    sqlite,
    `select status, count(*) as n from runs r
     where r.user_id = @userId and r.status in (${RUN_STATUSES.filter((s) => s !== 'queued')
       .map((s) => `'${s}'`)
       .join(', ')}) and ${NOT_QUEUED} and r.id >= @from and r.id < @to
     group by status
     union all
     select 'queued', count(*) from runs r
     where r.user_id = @userId and r.status = 'queued' and r.id >= @from and r.id < @to`,
  );
  for (const b of buckets) {
    const end = b.start + HOUR;
    const range = { userId: user.id, from: idFloor('evt', b.start), to: idFloor('evt', end) };
    b.events = (countEvents.get(range) as { n: number }).n;
    const rows = countRuns.all({
      userId: user.id,
      from: idFloor('run', b.start),
      to: idFloor('run', end),
    }) as {
      status: RunStatus;
      n: number;
    }[];
    for (const r of rows) if (r.status in b.runs) b.runs[r.status] = r.n;
  }

  const totals = { events: 0, runs: 0, succeeded: 0, failed: 0, filtered: 0, pending: 0 };
  for (const b of buckets) {
    totals.events += b.events;
    totals.succeeded += b.runs.succeeded;
    totals.failed += b.runs.failed;
    totals.filtered += b.runs.filtered;
    totals.pending += b.runs.queued + b.runs.running + b.runs.retrying;
  }
  totals.runs = totals.succeeded + totals.failed + totals.filtered + totals.pending;
  const finished = totals.succeeded + totals.failed;

  const durations = (
    cachedStatement(
      sqlite,
      `select a.duration_ms as d from attempts a join runs r on r.id = a.run_id
       where a.started_at >= ? and r.user_id = ? order by a.started_at desc limit ${LATENCY_SAMPLE}`,
    ).all(firstHour, user.id) as { d: number }[]
  )
    .map((r) => r.d)
    .sort((a, b) => a - b);

  const paused = cachedStatement(
    sqlite,
    `select host, paused_until, manually_paused, consecutive_failures from destinations d
     where (d.manually_paused = 1 or d.paused_until > @now)
       and (@admin = 1 or exists (select 1 from jobs j join runs r on r.id = j.run_id where j.host = d.host and r.user_id = @userId))
     order by host limit 50`,
  ).all({ now, admin: user.role === 'admin' ? 1 : 0, userId: user.id }) as {
    host: string;
    paused_until: number | null;
    manually_paused: number;
    consecutive_failures: number;
  }[];

  const topFailing = cachedStatement(
    sqlite,
    `select r.automation_id, a.name, count(*) as failed from runs r left join automations a on a.id = r.automation_id
     where r.user_id = ? and ${statusTerm('failed')} and r.id >= ?
     group by r.automation_id order by failed desc limit 5`,
  ).all(user.id, idFloor('run', firstHour)) as {
    automation_id: string;
    name: string | null;
    failed: number;
  }[];

  const hasActivity =
    totals.events > 0 ||
    totals.runs > 0 ||
    !!cachedStatement(sqlite, `select 1 from hooks where user_id = ? limit 1`).get(user.id) ||
    !!cachedStatement(sqlite, `select 1 from automations where user_id = ? limit 1`).get(user.id);

  return {
    hasActivity,
    range,
    buckets,
    totals,
    successRate: finished > 0 ? totals.succeeded / finished : null,
    latency: { p50: percentile(durations, 50), p95: percentile(durations, 95), samples: durations.length },
    queue: queueDepth(sqlite, now),
    pausedDestinations: paused.map((d) => ({
      host: d.host,
      pausedUntil: d.paused_until,
      manuallyPaused: d.manually_paused === 1,
      consecutiveFailures: d.consecutive_failures,
    })),
    topFailing: topFailing.map((t) => ({ automationId: t.automation_id, name: t.name, failed: t.failed })),
  };
}
