import type Database from 'better-sqlite3';
import { writeEvents, type StoreResult, type WriteItem } from './write-events';

type Done = (error: Error | null, results?: StoreResult[]) => void;
type Batch = { items: WriteItem[]; done: Done; results?: StoreResult[] };

/** Makes everything committed so far durable, then calls `done` (on the same thread). */
export type FlushWal = (done: (error: Error | null) => void) => void;

/**
 * Group commit: whatever batches reached the writer while it was busy are stored in ONE transaction, so the busier
 * the endpoint, the larger (and cheaper per event) each commit. `flushWal` runs after each commit (the connection is
 * synchronous=OFF, so COMMIT itself does not fsync): nothing is reported as stored before a flush that began after
 * its commit has finished, which is what synchronous=FULL does inside COMMIT.
 *
 * The flush is asynchronous and the next commit is written while it runs: a cycle takes the longer of a commit and
 * a flush instead of both, one after the other. Never more than one commit ahead: more would make smaller commits
 * (each writes about the same index pages, however many events it holds) without answering anyone sooner.
 */
export class GroupCommit {
  private queue: Batch[] = [];
  private scheduled = false;
  /** Committed, waiting for the flush in progress to end so that theirs can begin. */
  private committed: Batch[] = [];
  private flushing = false;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly flushWal: FlushWal,
  ) {}

  /** An empty write is answered once everything written before it is committed and flushed. */
  write(items: WriteItem[], done: Done): void {
    this.queue.push({ items, done });
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.committed.length > 0) return;
    this.scheduled = true;
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
    } catch (error) {
      // Not committed: no 2xx.
      for (const b of batches) b.done(error as Error);
      return this.schedule();
    }
    let at = 0;
    for (const b of batches) {
      b.results = results.slice(at, at + b.items.length);
      at += b.items.length;
    }
    this.committed.push(...batches);
    if (!this.flushing) this.flush();
  }

  private flush(): void {
    const batches = this.committed;
    this.committed = [];
    this.flushing = true;
    this.flushWal((error) => {
      this.flushing = false;
      // Committed but maybe not on disk: no 2xx.
      for (const b of batches) b.done(error, error ? undefined : b.results);
      if (this.committed.length > 0) this.flush();
      this.schedule();
    });
  }
}
