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
 * The runs of an ingest commit (lib/ingest/write-events.ts) are queued as one row of `run_batches`, their ids in it,
 * not as a job each: a row appended to a table with no other index, where a jobs row also wrote three index b-trees
 * (id, due time, run) in the commit every answer waits for. A claim turns the due batches into a due `run` job per run,
 * in the claim's transaction, through the candidate below: it stands for them among the jobs picked, and never runs.
 */
export const RUN_BATCH = 'runs';
const BATCHES: ClaimCandidate = { id: 'run_batches', host: null, lease_until: null };

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
    depth: sqlite.prepare(`select count(*) as n, min(due_at) as oldest from jobs where due_at <= ?`),
    // A batch counts as its runs.
    batchDepth: sqlite.prepare(
      `select coalesce(sum(json_array_length(run_ids)), 0) as n, min(due_at) as oldest from run_batches
       where due_at <= ?`,
    ),
    // Batches are appended in commit order, so the first is the oldest.
    firstBatchDue: sqlite.prepare(`select due_at from run_batches order by seq limit 1`).pluck(),
    enqueueBatch: sqlite.prepare(`insert into run_batches (run_ids, due_at) values (?, ?)`),
    takeBatches: sqlite.prepare(
      `delete from run_batches where seq in (select seq from run_batches where due_at <= ? order by seq limit ?)
       returning run_ids, due_at`,
    ),
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

/** A job that may be claimed: due, and not leased (or its lease ran out). */
export interface ClaimCandidate {
  id: string;
  host: string | null;
  lease_until: number | null;
}

/**
 * Picks up to `limit` due jobs to claim, and BATCHES first when a batch of runs is due; reads only. `accept` may refuse
 * a candidate (e.g. its destination host is at its concurrency limit or paused by the circuit breaker); refused jobs
 * stay queued, untouched.
 */
export function selectClaimCandidates(
  sqlite: Database.Database,
  options: { limit: number; now: number; accept?: (host: string | null) => boolean },
): ClaimCandidate[] {
  const { now } = options;
  const s = stmts(sqlite);
  const picked: ClaimCandidate[] = [];
  if (options.limit <= 0) return picked;
  // Due batches of runs besides: not a delivery slot, and their run jobs are due at once (BATCHES).
  const batches = (s.firstBatchDue.get() as number | undefined) ?? Infinity;
  if (batches <= now) picked.push(BATCHES);
  const limit = options.limit + picked.length;
  const pageSize = Math.max(options.limit * 4, 64);
  const refused = new Set<string>();
  const seen = new Set<string>();
  for (let page = 0; page < 8 && picked.length < limit; page++) {
    const candidates = (
      refused.size === 0
        ? s.candidates.all(now, now, pageSize)
        : s.candidatesExcluding.all(now, now, JSON.stringify([...refused]), pageSize)
    ) as ClaimCandidate[];
    const refusedBefore = refused.size;
    for (const c of candidates) {
      if (picked.length >= limit) break;
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
 * another process may have claimed it since it was picked. BATCHES expands the due batches of runs instead.
 */
export function claimJobs(sqlite: Database.Database, ids: string[], now: number, leaseMs: number): JobRow[] {
  const s = stmts(sqlite);
  const rows: JobRow[] = [];
  for (const id of ids) {
    if (id === BATCHES.id) {
      if (expandRunBatches(sqlite, now) > 0) rows.push(EXPANDED);
      continue;
    }
    const row = s.claim.get(now + leaseMs, randomUUID(), id, now, now) as JobRow | undefined;
    if (row) rows.push(row);
  }
  return rows;
}

/** What a claim returns for the batches it expanded: no job, only the sign to claim again (expandedRunBatch). */
const EXPANDED: JobRow = {
  id: BATCHES.id,
  kind: RUN_BATCH,
  run_id: null,
  payload: null,
  due_at: 0,
  attempts: 0,
  host: null,
  claim_token: '',
  lease_until: 0,
};

/** Batches expanded by one claim: one extra claim per few hundred runs, not per commit. */
const BATCHES_PER_CLAIM = 32;

/**
 * The oldest due batches become a due job per run still there (one deleted meanwhile, pruned or its automation
 * deleted, has nothing left to do), with the batch's due time, and are gone. In the claim's transaction: another
 * process's claim takes the next ones. Returns how many batches.
 */
function expandRunBatches(sqlite: Database.Database, now: number): number {
  const s = stmts(sqlite);
  const batches = s.takeBatches.all(now, BATCHES_PER_CLAIM) as { run_ids: string; due_at: number }[];
  for (const batch of batches)
    for (const runId of JSON.parse(batch.run_ids) as string[])
      s.expand.run(newId('job'), batch.due_at, now, runId);
  return batches.length;
}

/** Whether a claim turned batches of runs into run jobs: they are due, and the worker should claim again. */
export function expandedRunBatch(rows: JobRow[]): boolean {
  return rows.some((r) => r.kind === RUN_BATCH);
}

/** Queues the runs of an ingest commit, as one row (see RUN_BATCH). */
export function enqueueRunBatch(sqlite: Database.Database, runIds: string[], dueAt: number): void {
  stmts(sqlite).enqueueBatch.run(JSON.stringify(runIds), dueAt);
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

/** Earliest due time of an unleased job or a batch of runs, or null when the queue is empty. */
export function nextDueAt(sqlite: Database.Database, now = Date.now()): number | null {
  const s = stmts(sqlite);
  const job = (s.nextDue.get(now) as { due: number } | undefined)?.due ?? Infinity;
  const due = Math.min(job, (s.firstBatchDue.get() as number | undefined) ?? Infinity);
  return due === Infinity ? null : due;
}

export function queueDepth(
  sqlite: Database.Database,
  now = Date.now(),
): { due: number; oldestDueAt: number | null } {
  const s = stmts(sqlite);
  const jobs = s.depth.get(now) as { n: number; oldest: number | null };
  const batches = s.batchDepth.get(now) as { n: number; oldest: number | null };
  const oldest = [jobs.oldest, batches.oldest].filter((t) => t !== null);
  return { due: jobs.n + batches.n, oldestDueAt: oldest.length > 0 ? Math.min(...oldest) : null };
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
