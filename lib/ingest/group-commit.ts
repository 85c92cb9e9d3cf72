import type Database from 'better-sqlite3';
import type { WalSync } from '@/db/wal-sync';
import { writeEvents, type StoreResult, type WriteItem } from './write-events';

type Done = (error: Error | null, results?: StoreResult[]) => void;

/**
 * Group commit: whatever batches reached the writer while it was busy committing and flushing the last ones are
 * stored in ONE transaction, so the busier the endpoint, the larger (and cheaper per event) each commit. Nothing is
 * reported as stored before the WAL flush that follows its commit has reached the disk.
 */
export class GroupCommit {
  private queue: { items: WriteItem[]; done: Done }[] = [];
  private scheduled = false;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly walSync: WalSync,
  ) {}

  write(items: WriteItem[], done: Done): void {
    this.queue.push({ items, done });
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batches = this.queue;
    this.queue = [];
    if (batches.length === 0) return;
    let results: StoreResult[];
    try {
      results = writeEvents(
        this.sqlite,
        batches.flatMap((b) => b.items),
      );
    } catch (error) {
      for (const b of batches) b.done(error as Error);
      return;
    }
    this.walSync.afterCommit((error) => {
      let at = 0;
      for (const b of batches) {
        if (error) b.done(error);
        else b.done(null, results.slice(at, at + b.items.length));
        at += b.items.length;
      }
    });
  }
}
