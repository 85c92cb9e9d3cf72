import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildNative } from '@/scripts/build-native';
import { startDbThread } from './threads';
import { openWithCheckpointGathering, openWithWalCoalescing, walCoalesceLibrary } from './wal-coalesce';

// The extension that gathers the ingest writer's WAL writes (native/wal-coalesce.c), built and loaded for real, on
// real files.
const hasCompiler = process.platform !== 'win32' && !spawnSync(process.env.CC || 'cc', ['--version']).error;
let library: string | null = null;
beforeAll(() => {
  const why = buildNative({ quiet: true });
  if (hasCompiler) expect(why).toBeNull();
  library = walCoalesceLibrary();
});

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-coalesce-'));
  file = path.join(dir, 'c.db');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function plain(): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  return db;
}

function gathered(): Database.Database {
  return openWithWalCoalescing(library!, plain);
}

const writes = (db: Database.Database) => db.prepare('select hookline_wal_writes()').pluck().get() as number;

describe.skipIf(!hasCompiler)('WAL writes gathered', () => {
  it('is built wherever there is a C compiler', () => {
    expect(library).not.toBeNull();
  });

  it('writes a commit of many frames in a few calls, and another connection sees it as soon as COMMIT returns', () => {
    const db = gathered();
    const reader = plain();
    try {
      // FULL: SQLite calls the WAL's xSync inside COMMIT, where the shim writes its buffer out before the commit shows.
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      db.exec('create table rows (id integer primary key, body blob)');
      const insert = db.prepare('insert into rows (body) values (?)');
      const commit = db.transaction((n: number) => {
        for (let i = 0; i < n; i++) insert.run(Buffer.alloc(3000, i));
      });
      for (let round = 1; round <= 20; round++) {
        const before = writes(db);
        commit(40); // ~30 new pages, with the index and table pages: ~35 frames, 70 write calls without gathering
        expect(writes(db) - before).toBeLessThanOrEqual(2);
        expect(reader.prepare('select count(*) from rows').pluck().get()).toBe(round * 40);
      }
      expect(reader.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      reader.close();
      db.close();
    }
  });

  it('stores a commit larger than its buffer, in one piece as read back', () => {
    const db = gathered();
    try {
      db.exec('create table rows (id integer primary key, body blob)');
      const insert = db.prepare('insert into rows (body) values (?)');
      // 6 MB: past the 4 MiB buffer and many times the 124 KiB the unix VFS takes per write call.
      db.transaction(() => {
        for (let i = 0; i < 2000; i++) insert.run(Buffer.alloc(3000, i % 256));
      })();
    } finally {
      db.close();
    }
    const reader = plain();
    try {
      expect(reader.prepare('select count(*) from rows').pluck().get()).toBe(2000);
      const row = reader.prepare('select body from rows where id = 1500').get() as { body: Buffer };
      expect(row.body.equals(Buffer.alloc(3000, 1499 % 256))).toBe(true);
      expect(reader.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      reader.close();
    }
  });

  it('is off for other connections, and says so when asked to gather on one', () => {
    const db = gathered();
    const other = plain();
    try {
      other.loadExtension(library!);
      other.prepare('select 1 from sqlite_schema').all();
      expect(() => other.prepare('select hookline_wal_coalesce()').get()).toThrow(/not opened through/);
    } finally {
      other.close();
      db.close();
    }
  });

  it('gathers the pages a checkpoint copies, all in the database file once the checkpoint returns', () => {
    const db = plain();
    const checkpointer = openWithCheckpointGathering(library!, () => new Database(file));
    const dbWrites = () => checkpointer.prepare('select hookline_db_writes()').pluck().get() as number;
    try {
      db.exec('create table rows (id integer primary key, body blob)');
      const insert = db.prepare('insert into rows (body) values (?)');
      db.transaction(() => {
        for (let i = 0; i < 300; i++) insert.run(Buffer.alloc(3000, i % 256)); // ~300 new pages, one after another
      })();
      const before = dbWrites();
      const [{ log, checkpointed }] = checkpointer.pragma('wal_checkpoint(PASSIVE)') as {
        log: number;
        checkpointed: number;
      }[];
      expect(checkpointed).toBe(log);
      expect(log).toBeGreaterThan(300);
      // ~3 calls of 124 KiB for the run of new pages, a few more for the pages between; 300+ without gathering.
      expect(dbWrites() - before).toBeLessThan(20);
      // The database file alone, without the WAL, copied while the connections are still open: nothing left behind
      // in the buffer.
      const copy = path.join(dir, 'copy.db');
      fs.copyFileSync(file, copy);
      const alone = new Database(copy, { readonly: true });
      try {
        expect(alone.prepare('select count(*) from rows').pluck().get()).toBe(300);
        const row = alone.prepare('select body from rows where id = 250').get() as { body: Buffer };
        expect(row.body.equals(Buffer.alloc(3000, 249))).toBe(true);
        expect(alone.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        alone.close();
      }
      expect(() => db.prepare('select hookline_db_coalesce()').get()).toThrow(/no such function/);
    } finally {
      checkpointer.close();
      db.close();
    }
  });

  it('opens through the shim from threads starting together: one at a time makes it the default', async () => {
    plain().close(); // WAL mode, once
    const threads = Array.from({ length: 4 }, () =>
      startDbThread('test/support/shim-opener.ts', file, { rounds: 25 }),
    );
    const missed = await Promise.all(
      threads.map(
        (thread) =>
          new Promise<string[]>((resolve, reject) => {
            thread.once('message', (m: { missed: string[] }) => resolve(m.missed));
            thread.once('error', reject);
          }),
      ),
    );
    await Promise.all(threads.map((t) => t.terminate()));
    expect(missed.flat()).toEqual([]);
  });

  it('refuses to load a second copy from another file, rather than register a shim it cannot drive', () => {
    gathered().close(); // this process has the library from its usual path
    const copy = path.join(dir, 'copy', path.basename(library!)); // SQLite finds the entry point by the file's name
    fs.mkdirSync(path.dirname(copy));
    fs.copyFileSync(library!, copy);
    const db = new Database(':memory:');
    try {
      expect(() => db.loadExtension(copy)).toThrow(/already registered, by a copy from another file/);
    } finally {
      db.close();
    }
  });

  it('keeps every commit it returned from when its process is killed', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(process.cwd(), 'test/support/wal-coalesce-writer.ts'), file, library!],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let printed = '';
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`writer exited (${code}) before 300 commits`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        if (printed.split('\n').length > 300) resolve();
      });
    });
    child.kill('SIGKILL');
    // 'close', not 'exit': what it printed last may still be in the pipe when the process is gone.
    await new Promise((resolve) => child.once('close', resolve));
    const lines = printed.split('\n');
    lines.pop(); // after the last newline: empty, or a number cut off by the kill
    const committed = lines.map(Number);
    const last = committed[committed.length - 1]!;
    const db = plain();
    try {
      const batches = db
        .prepare('select batch, count(*) as n from rows group by batch order by batch')
        .all() as {
        batch: number;
        n: number;
      }[];
      // Every batch it reported is there, whole; at most the one it was writing when killed is missing.
      expect(batches.slice(0, last)).toEqual(committed.map((batch) => ({ batch, n: 20 })));
      expect(batches.length).toBeLessThanOrEqual(last + 1);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
