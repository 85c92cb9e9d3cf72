import Database from 'better-sqlite3';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTempDatabase } from '@/test/support/db';
import { waitFor } from '@/test/support/server';
import {
  BACKSTOP_CHECKPOINT_PAGES,
  RESTART_WAL_FRAMES,
  startCheckpointer,
  stopCheckpointer,
} from './checkpointer';
import { getDbHandle, SQLITE_DEFAULT_AUTOCHECKPOINT } from './client';
import { KEEP_WAL_MS, walCheckpointer } from './wal-checkpoint';

let cleanup: () => void;
beforeEach(() => {
  cleanup = useTempDatabase().cleanup;
});
afterEach(async () => {
  await stopCheckpointer();
  cleanup();
});

describe('checkpointer thread', () => {
  it('copies committed WAL frames into the database file while commits leave checkpoints to it', async () => {
    const { sqlite, path } = getDbHandle();
    startCheckpointer(20);
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_CHECKPOINT_PAGES);
    const before = fs.statSync(path).size;
    const insert = sqlite.prepare(`insert into settings (key, value) values (?, ?)`);
    sqlite.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run(`bulk.${i}`, 'x'.repeat(4000));
    })();
    // In WAL mode only a checkpoint writes the database file itself; this commit stayed below the backstop.
    await waitFor(() => fs.statSync(path).size > before + 1_000_000, { what: 'the checkpoint' });
  });

  it('gives the space of a large WAL back once a burst is over (the only thing that shrinks it)', async () => {
    const { sqlite, path } = getDbHandle();
    startCheckpointer(20, RESTART_WAL_FRAMES, 0); // kept for no time at all
    burst(sqlite, 'burst');
    expect(fs.statSync(`${path}-wal`).size).toBeGreaterThan(4096 * 4096);
    await waitFor(() => fs.statSync(`${path}-wal`).size === 0, { what: 'the WAL truncated' });
    expect(sqlite.prepare(`select count(*) as n from settings where key like 'burst.%'`).get()).toEqual({
      n: 5000,
    });
  });

  it('starts the WAL over under a steady stream of commits, once it holds more than the restart size', async () => {
    const { sqlite, path } = getDbHandle();
    startCheckpointer(10, 500);
    const insert = sqlite.prepare(`insert into settings (key, value) values (?, ?)`);
    // Each an IMMEDIATE transaction, as every writer of the app commits (under the process's write lock).
    const commit = sqlite.transaction((i: number) => insert.run(`stream.${i}`, 'x'.repeat(4000)));
    // The thread is up once it has copied a first commit into the database file.
    const before = fs.statSync(path).size;
    commit.immediate(-1);
    await waitFor(() => fs.statSync(path).size > before, { what: 'the first checkpoint' });
    // About 20 MB of WAL frames in commits one after the other: never a quiet moment for a checkpoint to catch up
    // with the last frame, so without a RESTART checkpoint the WAL only grows.
    for (let i = 0; i < 4_000; i++) commit.immediate(i);
    expect(fs.statSync(`${path}-wal`).size).toBeLessThan(2_000 * 4096);
  });

  it('hands checkpoints back to the commits when stopped', async () => {
    startCheckpointer(20);
    await stopCheckpointer();
    expect(getDbHandle().sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(
      SQLITE_DEFAULT_AUTOCHECKPOINT,
    );
  });
});

/** 5,000 rows of 4 KB in one commit: over 4,096 WAL frames, a large WAL. */
function burst(sqlite: Database.Database, tag: string): void {
  const insert = sqlite.prepare(`insert into settings (key, value) values (?, ?)`);
  sqlite.transaction(() => {
    for (let i = 0; i < 5_000; i++) insert.run(`${tag}.${i}`, 'x'.repeat(4000));
  })();
}

describe('a checkpoint round', () => {
  /** Rounds as the checkpointer thread runs them, on a connection of their own, by a clock the test moves. */
  function rounds(restartFrames = RESTART_WAL_FRAMES) {
    const { path } = getDbHandle();
    const connection = new Database(path);
    const clock = { now: 1_000_000 };
    const round = walCheckpointer(connection, restartFrames, () => {}, { now: () => clock.now });
    return { round, clock, walBytes: () => fs.statSync(`${path}-wal`).size, close: () => connection.close() };
  }

  it('keeps a large WAL for the next burst, and gives it back once no burst has written it for KEEP_WAL_MS', () => {
    const { sqlite } = getDbHandle();
    const { round, clock, walBytes, close } = rounds();
    // Each burst rewrites the same 5,000 rows from the WAL's start (the round before copied everything): the same
    // frames every time, so only the data version, not the frame count, tells a new burst from none.
    const rewrite = (fill: string) =>
      sqlite.prepare(`update settings set value = ? where key like 'rows.%'`).run(fill.repeat(4000));
    try {
      burst(sqlite, 'rows');
      round();
      rewrite('a');
      const size = walBytes();
      expect(size).toBeGreaterThan(4096 * 4096);
      round(); // copies it all
      clock.now += KEEP_WAL_MS - 1;
      round();
      expect(walBytes()).toBe(size);
      // The next burst is written over it in place, and counts as the WAL's last use.
      rewrite('b');
      expect(walBytes()).toBe(size);
      round();
      clock.now += KEEP_WAL_MS - 1;
      round();
      expect(walBytes()).toBe(size);
      // A small commit is no burst: the WAL goes once the second burst is KEEP_WAL_MS old.
      sqlite.prepare(`insert into settings (key, value) values ('small', 'x')`).run();
      round();
      expect(walBytes()).toBe(size);
      clock.now += 1;
      round();
      expect(walBytes()).toBe(0);
      const rewritten = sqlite.prepare(`select count(*) from settings where key like 'rows.%' and value = ?`);
      expect(rewritten.pluck().get('b'.repeat(4000))).toBe(5_000);
    } finally {
      close();
    }
  });

  it('gives a WAL back at the first quiet moment when it outgrew its restart cycles', () => {
    const { sqlite } = getDbHandle();
    const { round, walBytes, close } = rounds(1_000); // the burst is one commit of 5,000 frames: no restart between
    try {
      burst(sqlite, 'one');
      expect(walBytes()).toBeGreaterThan(2 * 1_000 * 4096);
      round(); // copies it all (a RESTART)
      round(); // nothing new since: quiet
      expect(walBytes()).toBe(0);
    } finally {
      close();
    }
  });
});
