import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTempDatabase } from '@/test/support/db';
import { getDbHandle, openIngestConnection } from './client';

let cleanup: () => void;
beforeEach(() => {
  cleanup = useTempDatabase().cleanup;
});
afterEach(() => cleanup());

describe('connections', () => {
  it('begins transactions IMMEDIATE, so a read-then-write transaction cannot lose a race to another writer', () => {
    const { sqlite, path } = getDbHandle();
    const other = new Database(path);
    other.pragma('busy_timeout = 0');
    try {
      let otherWrite: unknown = null;
      sqlite.transaction(() => {
        sqlite.prepare('select count(*) from settings').get();
        // The write lock is already ours: another connection cannot commit in between.
        try {
          other.prepare(`insert into settings (key, value) values ('race', '1')`).run();
        } catch (error) {
          otherWrite = error;
        }
        sqlite.prepare(`insert into settings (key, value) values ('mine', '1')`).run();
      })();
      expect((otherWrite as { code?: string } | null)?.code).toBe('SQLITE_BUSY');
      expect(sqlite.prepare(`select key from settings where key in ('race', 'mine')`).all()).toEqual([
        { key: 'mine' },
      ]);
    } finally {
      other.close();
    }
  });

  it('opens the ingest connection with synchronous=NORMAL and without foreign-key lookups', () => {
    const ingest = openIngestConnection(getDbHandle().path);
    try {
      expect(ingest.pragma('synchronous', { simple: true })).toBe(1);
      expect(ingest.pragma('foreign_keys', { simple: true })).toBe(0);
      expect(ingest.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(getDbHandle().sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      ingest.close();
    }
  });
});
