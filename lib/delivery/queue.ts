import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { newId } from '@/lib/ids';
import { logger } from '@/lib/log/logger';
import type { RunState } from './run-state';

// The durable queue: jobs rows with a due time and a lease (lease_until + claim_token). A claim is one UPDATE …
// RETURNING, so it is atomic even with several processes on the same file; finishing checks the claim token, so a
// worker whose lease expired (and whose job was reclaimed) cannot overwrite the new owner's work.

/** What finishing, releasing or rescheduling a job needs: the claim token proves the lease is still ours. */
export interface JobRef {
  id: string;
  claimToken: string;
}

export interface Job {
  id: string;
  kind: string;
  runId: string | null;
  payload: unknown;
  dueAt: number;
  attempts: number;
  host: string | null;
  claimToken: string;
  leaseUntil: number;
  /** A run job claimed by the worker: its run as read in the claim's transaction (lib/delivery/run-state.ts). */
  runState?: RunState;
}

export interface JobRow {
  id: string;
  kind: string;
  run_id: string | null;
  payload: string | null;
  due_at: number;
  attempts: number;
  host: string | null;
  claim_token: string;
  lease_until: number;
  runState?: RunState;
}

/**
 * The kind of the one job the ingest writer commits for all the runs of a commit (lib/ingest/write-events.ts), its
 * payload their ids: an ingest commit of 13 events then writes one job row, not 13 (each ~4.5 µs of the writer's
 * ~25 µs per event: a row and three index entries). Claiming it turns it into a due `run` job per run, in the claim's
 * transaction, and returns it so the worker claims again; it never runs itself.
 */
export const RUN_BATCH = 'runs';

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(sqlite: Database.Database) {
  return {
    insert: sqlite.prepare(
      `insert into jobs (id, kind, run_id, payload, due_at, attempts, host, idempotency_key, created_at)
       values (@id, @kind, @runId, @payload, @dueAt, 0, @host, @idempotencyKey, @createdAt)
       on conflict (idempotency_key) where idempotency_key is not null do nothing`,
    ),
    candidates: sqlite.prepare(
      `select id, host, lease_until from jobs where due_at <= ? and (lease_until is null or lease_until < ?)
       order by due_at limit ?`,
    ),
    // Skips hosts already refused in this claim (paused, throttled, at their concurrency), so a large backlog
    // held for one destination cannot hide the jobs of every other destination behind it.
    candidatesExcluding: sqlite.prepare(
      `select id, host, lease_until from jobs where due_at <= ? and (lease_until is null or lease_until < ?)
         and (host is null or host not in (select value from json_each(?)))
       order by due_at limit ?`,
    ),
    // Positional parameters: cheaper to bind than named ones, on the worker's hot path.
    claim: sqlite.prepare(
      `update jobs set lease_until = ?, claim_token = ?, attempts = attempts + 1
       where id = ? and due_at <= ? and (lease_until is null or lease_until < ?)
       returning id, kind, run_id, payload, due_at, attempts, host, claim_token, lease_until`,
    ),
    reschedule: sqlite.prepare(
      `update jobs set due_at = ?, host = ?, lease_until = null, claim_token = null where id = ? and claim_token = ?`,
    ),
    complete: sqlite.prepare(`delete from jobs where id = ? and claim_token = ?`),
    release: sqlite.prepare(
      `update jobs set lease_until = null, claim_token = null where id = ? and claim_token = ?`,
    ),
    extend: sqlite.prepare(`update jobs set lease_until = ? where id = ? and claim_token = ?`),
    nextDue: sqlite.prepare(
      // Walks the due_at index and stops at the first unleased job (min() with this filter would scan the table).
      `select due_at as due from jobs where lease_until is null or lease_until < ? order by due_at limit 1`,
    ),
    // A batch of runs counts as its runs.
    depth: sqlite.prepare(
      `select coalesce(sum(case when kind = '${RUN_BATCH}' then json_array_length(payload) else 1 end), 0) as n,
         min(due_at) as oldest from jobs where due_at <= ?`,
    ),
    dueBatches: sqlite
      .prepare(
        `select id from jobs where kind = '${RUN_BATCH}' and due_at <= ? and (lease_until is null or lease_until < ?)
         order by due_at limit ?`,
      )
      .pluck(),
    // Only runs that still exist: one deleted meanwhile (pruned, its automation deleted) has nothing left to do.
    expand: sqlite.prepare(
      `insert into jobs (id, kind, run_id, payload, due_at, attempts, host, idempotency_key, created_at)
       select ?, 'run', id, null, ?, 0, null, null, ? from runs where id = ?`,
    ),
  };
}

function stmts(sqlite: Database.Database) {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepare(sqlite)));
  return s;
}

export function enqueueJob(
  sqlite: Database.Database,
  job: {
    kind: string;
    runId?: string | null;
    payload?: unknown;
    dueAt: number;
    host?: string | null;
    idempotencyKey?: string | null;
  },
): string {
  const id = newId('job');
  stmts(sqlite).insert.run({
    id,
    kind: job.kind,
    runId: job.runId ?? null,
    payload: job.payload === undefined ? null : JSON.stringify(job.payload),
    dueAt: job.dueAt,
    host: job.host ?? null,
    idempotencyKey: job.idempotencyKey ?? null,
    createdAt: Date.now(),
  });
  return id;
}

/**
 * Claims up to `limit` due jobs. `accept` may refuse a candidate (e.g. its destination host is at its concurrency
 * limit or paused by the circuit breaker); refused jobs stay queued, untouched.
 */
/** A job that may be claimed: due, and not leased (or its lease ran out). */
export interface ClaimCandidate {
  id: string;
  host: string | null;
  lease_until: number | null;
}

/**
 * Picks up to `limit` due jobs to claim; reads only. `accept` may refuse a candidate (e.g. its destination host is
 * at its concurrency limit or paused by the circuit breaker); refused jobs stay queued, untouched.
 */
export function selectClaimCandidates(
  sqlite: Database.Database,
  options: { limit: number; now: number; accept?: (host: string | null) => boolean },
): ClaimCandidate[] {
  const { now } = options;
  const s = stmts(sqlite);
  const picked: ClaimCandidate[] = [];
  if (options.limit <= 0) return picked;
  const pageSize = Math.max(options.limit * 4, 64);
  const refused = new Set<string>();
  const seen = new Set<string>();
  for (let page = 0; page < 8 && picked.length < options.limit; page++) {
    const candidates = (
      refused.size === 0
        ? s.candidates.all(now, now, pageSize)
        : s.candidatesExcluding.all(now, now, JSON.stringify([...refused]), pageSize)
    ) as ClaimCandidate[];
    const refusedBefore = refused.size;
    for (const c of candidates) {
      if (picked.length >= options.limit) break;
      if (seen.has(c.id) || (c.host !== null && refused.has(c.host))) continue;
      seen.add(c.id);
      if (options.accept && !options.accept(c.host)) {
        if (c.host !== null) refused.add(c.host);
        continue;
      }
      picked.push(c);
    }
    // Another page only helps when this one was full and refused hosts that can now be skipped in SQL.
    if (candidates.length < pageSize || refused.size === refusedBefore) break;
  }
  return picked;
}

/**
 * Claims the given jobs, inside the caller's transaction: each one only if it is still due and unleased, since
 * another process may have claimed it since it was picked.
 */
export function claimJobs(sqlite: Database.Database, ids: string[], now: number, leaseMs: number): JobRow[] {
  const s = stmts(sqlite);
  const rows: JobRow[] = [];
  for (const id of ids) {
    const row = s.claim.get(now + leaseMs, randomUUID(), id, now, now) as JobRow | undefined;
    if (!row) continue;
    if (row.kind === RUN_BATCH) expandRunBatches(sqlite, row, now, leaseMs);
    rows.push(row);
  }
  return rows;
}

/** Batches expanded in one claim besides the one claimed: one extra claim per few hundred runs, not per commit. */
const EXPAND_AHEAD = 32;

function expandRunBatches(sqlite: Database.Database, first: JobRow, now: number, leaseMs: number): void {
  const s = stmts(sqlite);
  expandRunBatch(sqlite, first, now);
  for (const id of s.dueBatches.all(now, now, EXPAND_AHEAD) as string[]) {
    // Claimed first, as any job: in a transaction of its own process, but another may hold its lease.
    const row = s.claim.get(now + leaseMs, randomUUID(), id, now, now) as JobRow | undefined;
    if (row) expandRunBatch(sqlite, row, now);
  }
}

/** A claimed batch of runs becomes a due job per run (same due time), and is gone. */
function expandRunBatch(sqlite: Database.Database, row: JobRow, now: number): void {
  const s = stmts(sqlite);
  for (const runId of JSON.parse(row.payload ?? '[]') as string[])
    s.expand.run(newId('job'), row.due_at, now, runId);
  s.complete.run(row.id, row.claim_token);
}

/** Whether a claim turned a batch of runs into run jobs: they are due, and the worker should claim again. */
export function expandedRunBatch(rows: JobRow[]): boolean {
  return rows.some((r) => r.kind === RUN_BATCH);
}

/** Queues one job for a commit's runs (see RUN_BATCH). */
export function enqueueRunBatch(sqlite: Database.Database, runIds: string[], dueAt: number): void {
  enqueueJob(sqlite, { kind: RUN_BATCH, payload: runIds, dueAt });
}

/** The claimed rows as jobs, in the order they were picked; logs the ones taken over from an expired lease. */
export function claimedJobs(candidates: ClaimCandidate[], rows: JobRow[]): Job[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const jobs: Job[] = [];
  for (const c of candidates) {
    const row = byId.get(c.id);
    if (!row) continue; // another process claimed it first
    if (row.kind === RUN_BATCH) continue; // now a job per run, for the next claim
    if (c.lease_until !== null) {
      // Its previous holder crashed or stalled past its lease: at least once means it runs again.
      logger.warn(
        {
          jobId: row.id,
          kind: row.kind,
          runId: row.run_id,
          attempts: row.attempts,
          leaseExpiredAt: c.lease_until,
        },
        'Lease reclaimed',
      );
    }
    jobs.push({
      id: row.id,
      kind: row.kind,
      runId: row.run_id,
      payload: row.payload ? JSON.parse(row.payload) : null,
      dueAt: row.due_at,
      attempts: row.attempts,
      host: row.host,
      claimToken: row.claim_token,
      leaseUntil: row.lease_until,
      runState: row.runState,
    });
  }
  return jobs;
}

/** Picks and claims up to `limit` due jobs in one IMMEDIATE transaction (the worker does both steps apart). */
export function claimDueJobs(
  sqlite: Database.Database,
  options: { limit: number; leaseMs: number; now?: number; accept?: (host: string | null) => boolean },
): Job[] {
  const now = options.now ?? Date.now();
  return sqlite.transaction(() => {
    const candidates = selectClaimCandidates(sqlite, { ...options, now });
    const rows = claimJobs(
      sqlite,
      candidates.map((c) => c.id),
      now,
      options.leaseMs,
    );
    return claimedJobs(candidates, rows);
  })();
}

export function rescheduleJob(
  sqlite: Database.Database,
  job: JobRef & { host?: string | null },
  dueAt: number,
  host: string | null = job.host ?? null,
): boolean {
  return stmts(sqlite).reschedule.run(dueAt, host, job.id, job.claimToken).changes === 1;
}

export function completeJob(sqlite: Database.Database, job: JobRef): boolean {
  return stmts(sqlite).complete.run(job.id, job.claimToken).changes === 1;
}

export function releaseJob(sqlite: Database.Database, job: JobRef): boolean {
  return stmts(sqlite).release.run(job.id, job.claimToken).changes === 1;
}

export function extendLease(
  sqlite: Database.Database,
  job: JobRef & { leaseUntil?: number },
  leaseUntil: number,
): boolean {
  const ok = stmts(sqlite).extend.run(leaseUntil, job.id, job.claimToken).changes === 1;
  if (ok) job.leaseUntil = leaseUntil;
  return ok;
}

/** Earliest due time of an unleased job, or null when the queue is empty. */
export function nextDueAt(sqlite: Database.Database, now = Date.now()): number | null {
  return (stmts(sqlite).nextDue.get(now) as { due: number } | undefined)?.due ?? null;
}

export function queueDepth(
  sqlite: Database.Database,
  now = Date.now(),
): { due: number; oldestDueAt: number | null } {
  const row = stmts(sqlite).depth.get(now) as { n: number; oldest: number | null };
  return { due: row.n, oldestDueAt: row.oldest };
}

// In-process wake-up: ingest and the API call wakeWorker() after committing new jobs, so the worker starts at once
// instead of on its next poll. Kept on globalThis so the Next bundle's copy of this module reaches the same worker.
const WAKE = Symbol.for('hookline.worker.wake');
function wakeEmitter(): EventEmitter {
  const g = globalThis as typeof globalThis & { [WAKE]?: EventEmitter };
  if (!g[WAKE]) {
    g[WAKE] = new EventEmitter();
    g[WAKE].setMaxListeners(50);
  }
  return g[WAKE];
}

export function wakeWorker(): void {
  wakeEmitter().emit('wake');
}

export function onWorkerWake(listener: () => void): () => void {
  const e = wakeEmitter();
  e.on('wake', listener);
  return () => e.off('wake', listener);
}
