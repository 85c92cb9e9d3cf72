import { z } from 'zod';
import { getDbHandle } from '@/db/client';
import { wakeWorker } from '@/lib/delivery/queue';
import { NotFoundError } from '@/lib/errors';
import type { SessionUser } from '@/lib/users/users';
import { parseInput } from '@/lib/validation';
import { destinationGate, invalidateDestinationControls } from './gate';

// The destinations a user's actions call: traffic over 24 h from the attempts of their runs, circuit state and
// operator controls from the global destinations row. Rows are global (one per host); a user may change only
// hosts their own automations call (admins any).

const DAY_MS = 86_400_000;
const STATS_ROW_LIMIT = 200_000;

export interface DestinationView {
  host: string;
  volume24h: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  circuit: 'closed' | 'open';
  openUntil: string | null;
  consecutiveFailures: number;
  paused: boolean;
  maxPerSecond: number | null;
  maxConcurrency: number | null;
  inFlight: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
}

interface DestinationRow {
  host: string;
  consecutive_failures: number;
  paused_until: number | null;
  manually_paused: number;
  max_per_second: number | null;
  max_concurrency: number | null;
  last_success_at: number | null;
  last_failure_at: number | null;
}

export const updateDestinationInput = z
  .object({
    maxPerSecond: z.number().positive().max(10_000).nullable().optional(),
    maxConcurrency: z.number().int().min(1).max(1000).nullable().optional(),
    paused: z.boolean().optional(),
  })
  .strict();

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase() || null;
  } catch {
    return null;
  }
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Hosts named by the static URLs of the user's automations (a templated host cannot be known in advance). */
function automationHosts(userId: string): Set<string> {
  const rows = getDbHandle()
    .sqlite.prepare(`select actions from automations where user_id = ?`)
    .all(userId) as { actions: string }[];
  const hosts = new Set<string>();
  for (const r of rows) {
    try {
      for (const a of JSON.parse(r.actions) as { url?: unknown }[]) {
        const h = typeof a.url === 'string' ? hostOf(a.url) : null;
        if (h && !h.includes('{')) hosts.add(h);
      }
    } catch {
      /* an unreadable definition names no host */
    }
  }
  return hosts;
}

function recentAttempts(userId: string, since: number) {
  return getDbHandle()
    .sqlite.prepare(
      `select a.host, a.duration_ms as d,
              (a.error is null and json_extract(a.response, '$.status') between 200 and 299) as ok
         from attempts a join runs r on r.id = a.run_id
        where a.started_at > ? and r.user_id = ? and a.host is not null
        order by a.started_at desc limit ?`,
    )
    .all(since, userId, STATS_ROW_LIMIT) as { host: string; d: number; ok: number }[];
}

function userCallsHost(user: SessionUser, host: string): boolean {
  if (user.role === 'admin' || automationHosts(user.id).has(host)) return true;
  const row = getDbHandle()
    .sqlite.prepare(
      `select 1 from attempts a join runs r on r.id = a.run_id
        where a.started_at > ? and a.host = ? and r.user_id = ? limit 1`,
    )
    .get(Date.now() - 7 * DAY_MS, host, user.id);
  return !!row;
}

function destinationRows(): Map<string, DestinationRow> {
  const rows = getDbHandle()
    .sqlite.prepare(
      `select host, consecutive_failures, paused_until, manually_paused, max_per_second, max_concurrency,
              last_success_at, last_failure_at from destinations`,
    )
    .all() as DestinationRow[];
  return new Map(rows.map((r) => [r.host, r]));
}

function leasedByHost(now: number): Map<string, number> {
  const rows = getDbHandle()
    .sqlite.prepare(
      `select host, count(*) as n from jobs where lease_until > ? and host is not null group by host`,
    )
    .all(now) as { host: string; n: number }[];
  return new Map(rows.map((r) => [r.host, r.n]));
}

function toView(
  host: string,
  row: DestinationRow | undefined,
  stats: { n: number; ok: number; durations: number[] } | undefined,
  leased: number,
  now: number,
): DestinationView {
  const durations = stats?.durations.sort((a, b) => a - b) ?? [];
  const open = !!row?.paused_until && row.paused_until > now;
  return {
    host,
    volume24h: stats?.n ?? 0,
    successRate: stats && stats.n > 0 ? stats.ok / stats.n : null,
    p50Ms: percentile(durations, 50),
    p95Ms: percentile(durations, 95),
    circuit: open ? 'open' : 'closed',
    openUntil: open ? new Date(row!.paused_until!).toISOString() : null,
    consecutiveFailures: row?.consecutive_failures ?? 0,
    paused: row?.manually_paused === 1,
    maxPerSecond: row?.max_per_second ?? null,
    maxConcurrency: row?.max_concurrency ?? null,
    // Leased jobs tagged with the host, or this process's requests in flight (a first attempt's job has no host yet).
    inFlight: Math.max(leased, destinationGate().inflightCount(host)),
    lastSuccessAt: row?.last_success_at ? new Date(row.last_success_at).toISOString() : null,
    lastFailureAt: row?.last_failure_at ? new Date(row.last_failure_at).toISOString() : null,
  };
}

export function listDestinations(user: SessionUser, now = Date.now()): DestinationView[] {
  const stats = new Map<string, { n: number; ok: number; durations: number[] }>();
  for (const a of recentAttempts(user.id, now - DAY_MS)) {
    let s = stats.get(a.host);
    if (!s) stats.set(a.host, (s = { n: 0, ok: 0, durations: [] }));
    s.n++;
    if (a.ok) s.ok++;
    s.durations.push(a.d);
  }
  const hosts = new Set([...stats.keys(), ...automationHosts(user.id)]);
  const rows = destinationRows();
  const leased = leasedByHost(now);
  return [...hosts]
    .sort()
    .map((host) => toView(host, rows.get(host), stats.get(host), leased.get(host) ?? 0, now));
}

export function getDestination(user: SessionUser, host: string, now = Date.now()): DestinationView {
  const h = host.toLowerCase();
  const view = listDestinations(user, now).find((d) => d.host === h);
  if (!view) throw new NotFoundError('Destination');
  return view;
}

/** Operator controls. Resuming wakes the worker so the held jobs go at once, in their original order. */
export function updateDestination(user: SessionUser, hostInput: string, input: unknown): DestinationView {
  const host = hostInput.trim().toLowerCase();
  const data = parseInput(updateDestinationInput, input);
  if (!host || !userCallsHost(user, host)) throw new NotFoundError('Destination');
  const { sqlite } = getDbHandle();
  const now = Date.now();
  const current = destinationRows().get(host);
  sqlite
    .prepare(
      `insert into destinations (host, consecutive_failures, manually_paused, max_per_second, max_concurrency, updated_at)
       values (@host, 0, @paused, @maxPerSecond, @maxConcurrency, @now)
       on conflict (host) do update set manually_paused = @paused, max_per_second = @maxPerSecond,
         max_concurrency = @maxConcurrency, updated_at = @now`,
    )
    .run({
      host,
      paused: (data.paused ?? current?.manually_paused === 1) ? 1 : 0,
      maxPerSecond: data.maxPerSecond === undefined ? (current?.max_per_second ?? null) : data.maxPerSecond,
      maxConcurrency:
        data.maxConcurrency === undefined ? (current?.max_concurrency ?? null) : data.maxConcurrency,
      now,
    });
  invalidateDestinationControls();
  wakeWorker();
  return toView(host, destinationRows().get(host), undefined, 0, now);
}
