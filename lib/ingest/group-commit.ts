import type Database from 'better-sqlite3';
import { writeEvents, type StoreResult, type WriteItem } from './write-events';

type Done = (error: Error | null, results?: StoreResult[]) => void;
type Batch = { items: WriteItem[]; done: Done };

/** Makes everything committed so far durable; throws if it could not. */
export type FlushWal = () => void;

/**
 * Group commit: whatever batches reached the writer while it was busy are stored in ONE transaction, so the busier
 * the endpoint, the larger (and cheaper per event) each commit. `flushWal` runs right after each commit (the
 * connection is synchronous=OFF, or at FULL with a VFS that does not sync there, db/wal-coalesce.ts, so COMMIT itself
 * does not fsync) and nothing is reported as stored before it returns, which is what synchronous=FULL does inside
 * COMMIT, but outside the write lock.
 *
 * Commit and flush take turns; the next commit does not start while a flush runs. Overlapping them looked cheaper
 * but measured slower: fdatasync writes back whatever is dirty when it gets there, so a flush running beside the next
 * commit also wrote that commit's WAL frames and took 2.5–2.9 ms instead of 1.6–2.0 under bench:ingest, and every
 * answer waited for it (taking turns: +12% accepted/s, six interleaved pairs of runs). Flushing on a thread of its
 * own while the next commit's rows were inserted, that commit's COMMIT waiting for the flush so it never wrote back
 * the next frames, measured slower still (16,000–18,400 accepted/s against 19,000–22,000): on two cores the flushing
 * thread waits for a core behind the event loop and this one, and the shorter cycles made smaller, costlier commits.
 * Retried on a machine whose fdatasync takes ~0.2 ms (~0.15 ms of it the disk's cache flush, whatever the size): the
 * next commit written during the flush, its own flush started as the first ended (libuv's pool, fs.fdatasync), a
 * flush then took 350–430 µs from start to answer against ~210 µs taken in turn, and bench:ingest fell 10% (two pairs).
 */
export class GroupCommit {
  private queue: Batch[] = [];
  private scheduled = false;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly flushWal: FlushWal,
  ) {}

  /** An empty write is answered once everything written before it is committed and flushed. */
  write(items: WriteItem[], done: Done): void {
    this.queue.push({ items, done });
    if (this.scheduled) return;
    this.scheduled = true;
    // Batches that arrive meanwhile (this thread's messages, read before the immediate runs) join the commit.
    setImmediate(() => this.commit());
  }

  private commit(): void {
    this.scheduled = false;
    const batches = this.queue;
    this.queue = [];
    let results: StoreResult[];
    try {
      results = writeEvents(
        this.sqlite,
        batches.flatMap((b) => b.items),
      );
      this.flushWal();
    } catch (error) {
      // Not committed, or committed but maybe not on disk: no 2xx.
      for (const b of batches) b.done(error as Error);
      return;
    }
    let at = 0;
    for (const b of batches) {
      b.done(null, results.slice(at, at + b.items.length));
      at += b.items.length;
    }
  }
}
