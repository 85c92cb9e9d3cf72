import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTempDatabase } from '@/test/support/db';
import { getDbHandle } from './client';
import { writeLockWaiters } from './write-lock';
import { waitFor } from '@/test/support/server';

// Real threads with their own connections to a real file. The test's connection has busy_timeout = 0: without the
// shared lock, its transaction would fail with SQLITE_BUSY the moment it met the thread's.
let cleanup: () => void;
beforeEach(() => {
  cleanup = useTempDatabase().cleanup;
});
afterEach(() => cleanup());

function holder(options: { rows: number; forever?: boolean; waiter?: boolean }) {
  const go = new SharedArrayBuffer(4);
  const thread = new Worker(path.join(process.cwd(), 'lib/ingest/writer-boot.mjs'), {
    workerData: {
      entry: path.join(process.cwd(), 'test/support/write-lock-holder.ts'),
      file: getDbHandle().path,
      go,
      rows: options.rows,
      forever: options.forever ?? false,
      waiter: options.waiter ?? false,
    },
    execArgv: [],
  });
  const said = (what: string) =>
    new Promise<void>((resolve, reject) => {
      thread.on('message', (m) => m === what && resolve());
      thread.once('error', reject);
    });
  return {
    thread,
    holding: said('holding'),
    ready: said('ready'),
    done: said('done'),
    go: () => {
      Atomics.store(new Int32Array(go), 0, 1);
      Atomics.notify(new Int32Array(go), 0);
    },
  };
}

describe('the process write lock', () => {
  it("makes a transaction wait for another thread's to commit, instead of failing busy", async () => {
    const { sqlite } = getDbHandle();
    sqlite.pragma('busy_timeout = 0');
    const h = holder({ rows: 2000 });
    await h.holding;
    h.go();
    // The thread is still inserting its 2,000 rows: this transaction starts after its commit, and sees all of them.
    const seen = sqlite.transaction(() => {
      sqlite.prepare(`insert into settings (key, value) values ('main', 'main')`).run();
      return sqlite.prepare(`select count(*) as n from settings where value = 'thread'`).get();
    })();
    expect(seen).toEqual({ n: 2000 });
    await h.done;
    await h.thread.terminate();
  });

  it('lets a waiting thread in between the commits of a thread that commits in a loop', async () => {
    const { sqlite } = getDbHandle();
    const w = holder({ rows: 1, waiter: true });
    await w.ready;
    const insert = sqlite.prepare(`insert into settings (key, value) values (?, 'main')`);
    const commit = sqlite.transaction((i: number) => insert.run(`main-${i}`));
    w.go();
    // Back to back: each commit releases the lock and takes it again at once. Without the hand-over the waiter, woken
    // by each release, mostly found it taken again (on a busy machine the checkpointer's RESTART waited through
    // thousands of such commits, db/checkpointer.test.ts).
    for (let i = 0; i < 2_000; i++) commit.immediate(i);
    await w.done;
    const after = sqlite
      .prepare(
        `select count(*) as n from settings where value = 'main'
           and rowid > (select rowid from settings where key = 'waiter-0')`,
      )
      .get() as { n: number };
    // It got in at the next commit after it began to wait (without the hand-over: after 2 to 500 of them).
    expect(after.n).toBeGreaterThanOrEqual(1_990);
    await w.thread.terminate();
  });

  it('does not keep handing the lock over to a thread that died waiting for it', async () => {
    const { sqlite } = getDbHandle();
    const h = holder({ rows: 1 });
    await h.holding;
    const w = holder({ rows: 1, waiter: true });
    await w.ready;
    w.go();
    await waitFor(() => writeLockWaiters() === 1, { what: 'the thread waiting' });
    await w.thread.terminate(); // while it waits: it never takes its name off the waiters
    h.go();
    await h.done;
    const commit = sqlite.transaction((i: number) =>
      sqlite.prepare(`insert into settings (key, value) values (?, 'main')`).run(`main-${i}`),
    );
    const started = performance.now();
    for (let i = 0; i < 600; i++) commit.immediate(i);
    // Handing over to it would wait 2 ms at every one of these commits, for no one.
    expect(performance.now() - started).toBeLessThan(800);
    await h.thread.terminate();
  });

  it('lets transactions nest within a thread', () => {
    const { sqlite } = getDbHandle();
    const inner = sqlite.transaction(() =>
      sqlite.prepare(`insert into settings (key, value) values ('in', '1')`).run(),
    );
    sqlite.transaction(() => {
      inner();
      sqlite.prepare(`insert into settings (key, value) values ('out', '1')`).run();
    })();
    expect(sqlite.prepare(`select count(*) as n from settings where key in ('in', 'out')`).get()).toEqual({
      n: 2,
    });
  });

  it('is taken over from a thread that died holding it', async () => {
    const { sqlite } = getDbHandle();
    const h = holder({ rows: 1, forever: true });
    await h.holding;
    await h.thread.terminate(); // mid-transaction: SQLite rolls back, the shared lock word stays taken
    const started = performance.now();
    sqlite.transaction(() =>
      sqlite.prepare(`insert into settings (key, value) values ('after', '1')`).run(),
    )();
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(sqlite.prepare(`select count(*) as n from settings where value = 'thread'`).get()).toEqual({
      n: 0,
    });
  });
});
