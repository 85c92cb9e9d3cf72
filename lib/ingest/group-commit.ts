import type Database from 'better-sqlite3';
import { writeEvents, type StoreResult, type WriteItem } from './write-events';

type Done = (error: Error | null, results?: StoreResult[]) => void;

/**
 * Group commit: whatever batches reached the writer while it was busy committing and flushing the last ones are
 * stored in ONE transaction, so the busier the endpoint, the larger (and cheaper per event) each commit.
 * `flushWal` runs right after each commit (the connection is synchronous=OFF, so COMMIT itself does not fsync):
 * nothing is reported as stored before it has returned, which is what synchronous=FULL does inside COMMIT.
 */
export class GroupCommit {
  private queue: { items: WriteItem[]; done: Done }[] = [];
  private scheduled = false;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly flushWal: () => void,
  ) {}

  /** An empty write is answered once everything written before it is committed and flushed. */
  write(items: WriteItem[], done: Done): void {
    this.queue.push({ items, done });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
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
      // Not committed, or committed but maybe not on disk: either way no 2xx.
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
