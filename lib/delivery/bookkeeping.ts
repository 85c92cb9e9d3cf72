import type Database from 'better-sqlite3';
import { recordDestinationFailure, recordDestinationSuccess } from './circuit';
import { readRunState } from './run-state';
import { claimJobs, completeJob, extendLease, releaseJob, rescheduleJob, type JobRef } from './queue';

// The worker's writes, as plain data: the event loop decides what to record and a bookkeeping writer (a thread with
// its own connection, lib/delivery/bookkeeping-writer.ts) applies it, so SQLite's share of a delivery runs on the
// other core. The ops of one call share a savepoint: they land together or not at all.

/** A run's start time and filter result ride along with every status write: the "running" write may be skipped. */
interface RunProgress {
  runId: string;
  startedAt: number;
  filterResult: 1 | 0 | null;
}

export type BookkeepingOp =
  | { type: 'claim'; ids: string[]; now: number; leaseMs: number }
  | { type: 'complete'; job: JobRef }
  | { type: 'release'; job: JobRef }
  | { type: 'reschedule'; job: JobRef; dueAt: number; host: string | null }
  | { type: 'extend'; job: JobRef; leaseUntil: number }
  | ({ type: 'start' } & RunProgress)
  /** Completes the job and records the run's outcome; false (and nothing written) when the lease was lost. */
  | ({ type: 'finish'; job: JobRef; status: string; error: string | null; at: number } & RunProgress)
  | ({ type: 'retrying'; error: string } & RunProgress)
  | {
      type: 'step';
      id: string;
      runId: string;
      idx: number;
      name: string;
      status: string;
      request: string | null;
      result: string | null;
      error: string | null;
      startedAt: number;
      finishedAt: number | null;
    }
  | {
      type: 'attempt';
      id: string;
      runId: string;
      stepIndex: number;
      n: number;
      startedAt: number;
      durationMs: number;
      host: string | null;
      request: string;
      response: string | null;
      error: string | null;
      nextRetryAt: number | null;
    }
  /** Circuit breaker: true = the destination answered. Returns whether it recovered / when its circuit opened. */
  | { type: 'destination'; host: string; reachable: boolean; at: number }
  /** 410 Gone: returns true when this disabled the automation. */
  | { type: 'disable'; automationId: string; at: number };

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

// Positional parameters: binding by name costs a lookup per parameter, per row, on the hot path.
function prepare(sqlite: Database.Database) {
  return {
    start: sqlite.prepare(
      `update runs set status = 'running', started_at = coalesce(started_at, ?), filter_result = coalesce(?, filter_result)
       where id = ?`,
    ),
    finish: sqlite.prepare(
      `update runs set status = ?, error = ?, finished_at = ?, started_at = coalesce(started_at, ?),
         filter_result = coalesce(?, filter_result) where id = ?`,
    ),
    retrying: sqlite.prepare(
      `update runs set status = 'retrying', error = ?, started_at = coalesce(started_at, ?),
         filter_result = coalesce(?, filter_result) where id = ?`,
    ),
    step: sqlite.prepare(
      `insert into steps (id, run_id, idx, action_name, status, request, result, error, started_at, finished_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (run_id, idx) do update set status = excluded.status, request = coalesce(excluded.request, request),
         result = coalesce(excluded.result, result), error = excluded.error, finished_at = excluded.finished_at`,
    ),
    attempt: sqlite.prepare(
      `insert into attempts (id, run_id, step_index, n, started_at, duration_ms, host, request, response, error, next_retry_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    countAttempt: sqlite.prepare(`update runs set attempt_count = attempt_count + 1 where id = ?`),
    disable: sqlite.prepare(
      `update automations set enabled = 0, updated_at = ? where id = ? and enabled = 1`,
    ),
  };
}

function stmts(sqlite: Database.Database) {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepare(sqlite)));
  return s;
}

function applyOp(sqlite: Database.Database, op: BookkeepingOp): unknown {
  const s = stmts(sqlite);
  switch (op.type) {
    case 'claim':
      // A run job's state is read here, in the claim's transaction, so the event loop need not read it.
      return claimJobs(sqlite, op.ids, op.now, op.leaseMs).map((row) =>
        row.kind === 'run' && row.run_id ? { ...row, runState: readRunState(sqlite, row.run_id) } : row,
      );
    case 'complete':
      return completeJob(sqlite, op.job);
    case 'release':
      return releaseJob(sqlite, op.job);
    case 'reschedule':
      return rescheduleJob(sqlite, op.job, op.dueAt, op.host);
    case 'extend':
      return extendLease(sqlite, op.job, op.leaseUntil);
    case 'start':
      s.start.run(op.startedAt, op.filterResult, op.runId);
      return null;
    case 'finish':
      if (!completeJob(sqlite, op.job)) return false;
      s.finish.run(op.status, op.error, op.at, op.startedAt, op.filterResult, op.runId);
      return true;
    case 'retrying':
      s.retrying.run(op.error, op.startedAt, op.filterResult, op.runId);
      return null;
    case 'step':
      s.step.run(
        op.id,
        op.runId,
        op.idx,
        op.name,
        op.status,
        op.request,
        op.result,
        op.error,
        op.startedAt,
        op.finishedAt,
      );
      return null;
    case 'attempt':
      s.attempt.run(
        op.id,
        op.runId,
        op.stepIndex,
        op.n,
        op.startedAt,
        op.durationMs,
        op.host,
        op.request,
        op.response,
        op.error,
        op.nextRetryAt,
      );
      s.countAttempt.run(op.runId);
      return null;
    case 'destination':
      return op.reachable
        ? recordDestinationSuccess(sqlite, op.host, op.at)
        : recordDestinationFailure(sqlite, op.host, op.at);
    case 'disable':
      return s.disable.run(op.at, op.automationId).changes === 1;
  }
}

/**
 * Applies one call's ops in order, inside the caller's transaction; a 'finish' that finds the lease lost stops the
 * call there (nothing after it belongs to this worker any more). Returns one result per op applied.
 */
export function applyOps(sqlite: Database.Database, ops: BookkeepingOp[]): unknown[] {
  const results: unknown[] = [];
  for (const op of ops) {
    const result = applyOp(sqlite, op);
    results.push(result);
    if (op.type === 'finish' && result === false) break;
  }
  return results;
}
