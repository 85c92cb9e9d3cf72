import type Database from 'better-sqlite3';

// Group commit for the worker's bookkeeping, on the bookkeeping thread (or in process for an in-memory database:
// lib/delivery/bookkeeping-writer.ts). Each delivery writes a handful of rows (attempt, step, run, job) that
// touch many index pages; committing them one delivery at a time made WAL page writes the worker's biggest cost.
// Writes queued in the same turn of the event loop share one transaction; one failing write rolls back only itself.

interface Pending {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const queues = new WeakMap<Database.Database, { items: Pending[]; scheduled: boolean; lastFlush: number }>();
/**
 * Under load, commits are at least this far apart, so each one carries more deliveries: the pages a commit writes
 * (status index leaves, the job's index entries) are mostly the same however many deliveries share it. An idle
 * worker flushes at once, so a lone delivery waits no longer. (On the thread, 1 ms measured slower than 4 end to end.)
 */
const MIN_COMMIT_INTERVAL_MS = Number(process.env.HOOKLINE_WRITE_BATCH_MS ?? 4);

function flush(sqlite: Database.Database): void {
  const q = queues.get(sqlite)!;
  const batch = q.items;
  q.items = [];
  q.scheduled = false;
  q.lastFlush = performance.now();
  // Each write lands whole or not at all. A savepoint per write costs more than most writes themselves, so the
  // batch is first applied without them; should one write fail, the whole transaction is rolled back and the batch
  // applied again with a savepoint each, so that only the failed write fails.
  let failedWrite = false;
  let outcomes: { ok: boolean; value: unknown }[];
  try {
    outcomes = sqlite
      .transaction(() =>
        batch.map((p) => {
          try {
            return { ok: true, value: p.fn() };
          } catch (error) {
            failedWrite = true;
            throw error;
          }
        }),
      )
      .immediate();
  } catch (error) {
    if (!failedWrite) {
      for (const p of batch) p.reject(error);
      return;
    }
    try {
      outcomes = sqlite.transaction(() => batch.map((p) => applyInSavepoint(sqlite, p))).immediate();
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
  }
  batch.forEach((p, i) => (outcomes[i].ok ? p.resolve(outcomes[i].value) : p.reject(outcomes[i].value)));
}

function applyInSavepoint(sqlite: Database.Database, p: Pending): { ok: boolean; value: unknown } {
  try {
    // Nested in the batch's transaction, so a savepoint (deferred: the batch holds the write lock already).
    return { ok: true, value: sqlite.transaction(p.fn).deferred() };
  } catch (error) {
    return { ok: false, value: error };
  }
}

/** Runs `fn` inside the next batched transaction on `sqlite`; resolves with its result once committed. */
export function writeBatched<T>(sqlite: Database.Database, fn: () => T): Promise<T> {
  let q = queues.get(sqlite);
  if (!q) queues.set(sqlite, (q = { items: [], scheduled: false, lastFlush: 0 }));
  return new Promise<T>((resolve, reject) => {
    q.items.push({ fn, resolve: resolve as (v: unknown) => void, reject });
    if (!q.scheduled) {
      q.scheduled = true;
      const wait = q.lastFlush + MIN_COMMIT_INTERVAL_MS - performance.now();
      if (wait > 0) setTimeout(() => flush(sqlite), wait);
      else setImmediate(() => flush(sqlite));
    }
  });
}
