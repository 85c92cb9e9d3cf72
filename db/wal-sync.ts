import fs from 'node:fs';

type Sync = (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void;

/**
 * Makes commits durable after the fact. A connection with synchronous=NORMAL commits into the WAL without an fsync;
 * `afterCommit` then calls back once an fdatasync of the WAL, started after that commit, has finished — what
 * synchronous=FULL does inside COMMIT. Commits made while one flush runs share the next one. The flush is libuv's
 * (thread pool) unless another is given: the ingest writer thread flushes synchronously on itself, right after each
 * commit. NORMAL still syncs the WAL before each checkpoint, so checkpoints keep their ordering.
 */
export class WalSync {
  private fd: number | null = null;
  private flushing = false;
  private waiting: Array<(error: Error | null) => void> = [];

  constructor(
    private readonly walPath: string | null,
    private readonly sync: Sync = fs.fdatasync,
  ) {}

  /** Calls `done` once everything committed before this call is on disk (or with the error that prevented it). */
  afterCommit(done: (error: Error | null) => void): void {
    if (this.walPath === null) return done(null); // in-memory database: nothing to flush
    this.waiting.push(done);
    if (!this.flushing) this.flush();
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.flushing = true;
    let fd: number;
    try {
      // The WAL exists from the first commit on and stays (SQLite reuses it) while the connection is open.
      fd = this.fd ??= fs.openSync(this.walPath!, 'r');
    } catch (error) {
      return this.finish(batch, error as Error);
    }
    this.sync(fd, (error) => this.finish(batch, error));
  }

  private finish(batch: Array<(error: Error | null) => void>, error: Error | null): void {
    this.flushing = false;
    for (const done of batch) done(error);
    if (this.waiting.length > 0) this.flush();
  }
}
