import type Database from 'better-sqlite3';

// Per-destination circuit breaker, kept in the database so every worker process (and the UI) sees the same state.
// After FAILURE_THRESHOLD consecutive failed attempts to a host, its jobs wait (they are not failed) for
// PAUSE_MS; the first attempt after the pause probes the host, and a success closes the circuit.

export const FAILURE_THRESHOLD = 5;
export const PAUSE_MS = 30_000;

export interface DestinationState {
  host: string;
  consecutiveFailures: number;
  pausedUntil: number | null;
  manuallyPaused: boolean;
}

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(sqlite: Database.Database) {
  return {
    paused: sqlite.prepare(
      `select host from destinations where manually_paused = 1 or (paused_until is not null and paused_until > ?)`,
    ),
    success: sqlite.prepare(
      `insert into destinations (host, consecutive_failures, paused_until, last_success_at, updated_at)
       values (?, 0, null, ?, ?)
       on conflict (host) do update set consecutive_failures = 0, paused_until = null,
         last_success_at = excluded.last_success_at, updated_at = excluded.updated_at
       where consecutive_failures > 0 or paused_until is not null or last_success_at < excluded.last_success_at - 60000`,
    ),
    failure: sqlite.prepare(
      `insert into destinations (host, consecutive_failures, last_failure_at, updated_at) values (?, 1, ?, ?)
       on conflict (host) do update set consecutive_failures = consecutive_failures + 1,
         last_failure_at = excluded.last_failure_at, updated_at = excluded.updated_at
       returning consecutive_failures`,
    ),
    pause: sqlite.prepare(`update destinations set paused_until = ? where host = ?`),
  };
}

function stmts(sqlite: Database.Database) {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepare(sqlite)));
  return s;
}

/** Hosts whose jobs must wait right now (circuit open or paused by an operator). */
export function pausedHosts(sqlite: Database.Database, now = Date.now()): Set<string> {
  return new Set((stmts(sqlite).paused.all(now) as { host: string }[]).map((r) => r.host));
}

/** True when the row changed: the destination had failures or an open circuit (or its last success was stale). */
export function recordDestinationSuccess(sqlite: Database.Database, host: string, now = Date.now()): boolean {
  return stmts(sqlite).success.run(host, now, now).changes > 0;
}

/** Returns the time the circuit opened until, when this failure opened it. */
export function recordDestinationFailure(
  sqlite: Database.Database,
  host: string,
  now = Date.now(),
): number | null {
  const { consecutive_failures } = stmts(sqlite).failure.get(host, now, now) as {
    consecutive_failures: number;
  };
  if (consecutive_failures >= FAILURE_THRESHOLD && consecutive_failures % FAILURE_THRESHOLD === 0) {
    const until = now + PAUSE_MS;
    stmts(sqlite).pause.run(until, host);
    return until;
  }
  return null;
}
