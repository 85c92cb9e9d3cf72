import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTempDatabase } from '@/test/support/db';
import { getDbHandle } from './client';
import { fileSync, walCheckpointer } from './wal-checkpoint';
import { writeLockHeld } from './write-lock';

let cleanup: () => void;
beforeEach(() => {
  cleanup = useTempDatabase().cleanup;
});
afterEach(() => cleanup());

describe('walCheckpointer', () => {
  it('syncs the database file without the write lock before a RESTART, and the next commit starts the WAL over', () => {
    const { sqlite, path } = getDbHandle();
    sqlite.pragma('wal_autocheckpoint = 0'); // the rounds below are the only checkpoints
    // The checkpointer's own connection, as its thread opens it.
    const db = new Database(path, { fileMustExist: true });
    db.pragma('synchronous = NORMAL');
    const dbFile = fileSync(path);
    const syncs: string[] = [];
    const round = walCheckpointer(db, 100, () => {
      syncs.push(writeLockHeld() ? 'sync, lock held' : 'sync, lock free');
      dbFile.sync();
    });
    const insert = sqlite.prepare(`insert into settings (key, value) values (?, ?)`);
    const commit = sqlite.transaction((key: string) => insert.run(key, 'x'.repeat(3000)));
    const walFrames = () => (sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;

    round(); // the migrations' frames
    syncs.length = 0;
    for (let i = 0; i < 20; i++) commit(`few.${i}`);
    expect(walFrames()).toBeLessThan(100);
    round();
    expect(syncs).toEqual([]); // below the restart size: a PASSIVE round, no extra sync

    for (let i = 0; i < 200; i++) commit(`many.${i}`);
    expect(walFrames()).toBeGreaterThan(200);
    round();
    expect(syncs).toEqual(['sync, lock free']);
    commit('after');
    expect(walFrames()).toBeLessThan(5); // the WAL started over
    dbFile.close();
    db.close();
  });
});
