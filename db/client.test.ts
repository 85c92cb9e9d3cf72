import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '@/lib/ids';
import { pruneHistory } from '@/lib/retention';
import { addHook, addUser, useTempDatabase } from '@/test/support/db';
import fs from 'node:fs';
import { checkpointWithSync, getDbHandle, openIngestConnection, openWorkerConnection } from './client';

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

  it('opens the ingest connection without syncs, auto-checkpoints or foreign-key lookups (the writer syncs the WAL)', () => {
    const ingest = openIngestConnection(getDbHandle().path);
    try {
      expect(ingest.pragma('synchronous', { simple: true })).toBe(0);
      expect(ingest.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      expect(ingest.pragma('foreign_keys', { simple: true })).toBe(0);
      expect(ingest.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(getDbHandle().sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(getDbHandle().sqlite.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      ingest.close();
    }
  });

  it('checkpoints the ingest connection at NORMAL, and leaves it at OFF', () => {
    const { path, sqlite } = getDbHandle();
    sqlite.pragma('wal_autocheckpoint = 0');
    const ingest = openIngestConnection(path);
    try {
      const insert = ingest.prepare(`insert into settings (key, value) values (?, 'x')`);
      ingest.transaction(() => {
        for (let i = 0; i < 500; i++) insert.run(`k${i}`);
      })();
      const before = fs.statSync(path).size;
      checkpointWithSync(ingest);
      expect(ingest.pragma('synchronous', { simple: true })).toBe(0);
      expect(fs.statSync(path).size).toBeGreaterThan(before); // the pages reached the database file
      const [{ log, checkpointed }] = ingest.pragma('wal_checkpoint(PASSIVE)') as {
        log: number;
        checkpointed: number;
      }[];
      expect(checkpointed).toBe(log);
    } finally {
      ingest.close();
    }
  });

  it('opens the worker connection at OFF too, never checkpointing, and closes it at NORMAL', () => {
    const worker = openWorkerConnection(getDbHandle().path);
    expect(worker.pragma('synchronous', { simple: true })).toBe(0);
    expect(worker.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(worker.pragma('foreign_keys', { simple: true })).toBe(1);
    const pragma = worker.pragma.bind(worker);
    const seen: string[] = [];
    worker.pragma = ((source: string, options?: Database.PragmaOptions) => {
      seen.push(source);
      return pragma(source, options);
    }) as typeof worker.pragma;
    worker.close();
    expect(seen).toEqual(['synchronous = NORMAL']);
    expect(worker.open).toBe(false);
  });
});

describe('pruning', () => {
  it('frees pages that new history then fills, so the file stops growing', async () => {
    const { sqlite, path: file } = getDbHandle();
    addUser('usr_v', 'v@example.com');
    addHook('hk_v', 'usr_v');
    const insert = sqlite.prepare(
      `insert into events (id, user_id, hook_id, source, outcome, method, body_raw, body_kind, received_at)
       values (?, 'usr_v', 'hk_v', 'webhook', 'accepted', 'POST', ?, 'json', 0)`,
    );
    const fill = () =>
      sqlite.transaction(() => {
        for (let i = 0; i < 2000; i++)
          insert.run(newId('evt'), Buffer.from(JSON.stringify({ pad: 'x'.repeat(4000) })));
      })();
    fill();
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const full = fs.statSync(file).size;
    expect(full).toBeGreaterThan(8_000_000);
    expect((await pruneHistory({ days: 0, now: Date.now() + 1000 })).events).toBe(2000);
    fill();
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.statSync(file).size).toBeLessThan(full * 1.1);
  });
});
