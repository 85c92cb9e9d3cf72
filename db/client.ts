import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import fs from 'node:fs';
import path from 'node:path';
import { databasePath, ensureGeneratedSecrets } from '@/lib/env';
import * as schema from './schema';
import { prepareWriteLock, withWriteLock } from './write-lock';

export type Db = BetterSQLite3Database<typeof schema>;
export interface DbHandle {
  sqlite: Database.Database;
  db: Db;
  path: string;
}

// One connection per process, kept on globalThis: the custom server (run by tsx) and Next's server bundle each
// have their own copy of this module, and they must share the connection (and the group-commit writer).
const KEY = Symbol.for('hookline.db');
type GlobalWithDb = typeof globalThis & { [KEY]?: DbHandle };

export function migrationsFolder(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), 'db', 'migrations');
}

export const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;
// WAL pages after which a commit checkpoints; raised to a backstop while the checkpointer thread does the work.
const CHECKPOINT_KEY = Symbol.for('hookline.db.autocheckpoint');
type GlobalWithCheckpoint = typeof globalThis & { [CHECKPOINT_KEY]?: number };

export function autoCheckpointPages(): number {
  return (globalThis as GlobalWithCheckpoint)[CHECKPOINT_KEY] ?? SQLITE_DEFAULT_AUTOCHECKPOINT;
}

function openConnection(file: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`wal_autocheckpoint = ${autoCheckpointPages()}`);
  // Once a burst is checkpointed, a WAL that grew past this is truncated back when it is next reused.
  sqlite.pragma('journal_size_limit = 67108864');
  immediateTransactions(sqlite);
  return sqlite;
}

/**
 * Makes `sqlite.transaction(fn)()` BEGIN IMMEDIATE (the write lock up front). Other connections commit at the same
 * time (the ingest writer thread, a separate worker process); a deferred transaction that reads and then writes
 * would fail with SQLITE_BUSY when one of them committed in between, instead of waiting its turn.
 */
function immediateTransactions(sqlite: Database.Database): void {
  prepareWriteLock();
  const transaction = sqlite.transaction.bind(sqlite);
  // The returned function still has .deferred, .immediate and .exclusive for callers that choose. The writing kinds
  // wait for this process's other writers on its write lock (db/write-lock.ts) rather than in SQLite's busy handler.
  sqlite.transaction = ((fn: (...args: never[]) => unknown) => {
    const tx = transaction(fn);
    const immediate = locked(tx.immediate);
    return Object.assign(immediate, { deferred: tx.deferred, immediate, exclusive: locked(tx.exclusive) });
  }) as typeof sqlite.transaction;
}

function locked<A extends unknown[], R>(run: (...args: A) => R): (...args: A) => R {
  return (...args: A) => withWriteLock(() => run(...args));
}

/** Sets SQLite's auto-checkpoint threshold on this process's connections, open and future (db/checkpointer.ts). */
export function setAutoCheckpoint(pages: number): void {
  (globalThis as GlobalWithCheckpoint)[CHECKPOINT_KEY] = pages;
  const g = globalThis as GlobalWithDb & GlobalWithWorkerDb;
  for (const handle of new Set([g[KEY]?.sqlite, g[WORKER_KEY]?.sqlite])) {
    if (handle?.open) handle.pragma(`wal_autocheckpoint = ${pages}`);
  }
}

export function openDatabase(file: string): DbHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = openConnection(file, 'FULL');
  sqlite.pragma('auto_vacuum = INCREMENTAL');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: migrationsFolder() });
  return { sqlite, db, path: file };
}

/** The process-wide database, opened (and migrated) on first use — never at module scope. */
export function getDbHandle(): DbHandle {
  const g = globalThis as GlobalWithDb;
  if (!g[KEY]) {
    ensureGeneratedSecrets();
    g[KEY] = openDatabase(databasePath());
  }
  return g[KEY];
}

export function getDb(): Db {
  return getDbHandle().db;
}

// The delivery worker's own connection, with synchronous=NORMAL: its writes (run progress, attempts) need not
// wait for an fsync, because delivery is at least once — if power fails before the WAL reaches the disk, the job
// is simply run again. In one process the connections never contend: every transaction is synchronous and ends
// before the event loop moves on.
const WORKER_KEY = Symbol.for('hookline.db.worker');
type GlobalWithWorkerDb = typeof globalThis & { [WORKER_KEY]?: DbHandle };

export function getWorkerDbHandle(): DbHandle {
  const g = globalThis as GlobalWithWorkerDb;
  if (!g[WORKER_KEY]) {
    const main = getDbHandle();
    if (main.path === ':memory:') {
      g[WORKER_KEY] = main;
    } else {
      const sqlite = openWorkerConnection(main.path);
      g[WORKER_KEY] = { sqlite, db: drizzle(sqlite, { schema }), path: main.path };
    }
  }
  return g[WORKER_KEY];
}

/** A connection like the worker's (synchronous=NORMAL), for the worker's bookkeeping thread (lib/delivery). */
export function openWorkerConnection(file: string): Database.Database {
  return openConnection(file, 'NORMAL');
}

/**
 * The ingest writer's connection (lib/ingest/writer-thread.ts). SQLite syncs nothing on it (synchronous=OFF): the
 * writer fdatasyncs the WAL after each commit and before any answer, which is what FULL does inside COMMIT
 * (lib/ingest/group-commit.ts). OFF also spares the sync that NORMAL and FULL make when a commit starts the WAL over
 * from its beginning after a checkpoint; on a busy disk that one stalled a commit, and every request waiting on it,
 * for 50–80 ms about once a second. It is not needed here: starting over only overwrites frames that a checkpoint
 * has already copied into the database file and synced (the checkpointer runs at NORMAL), and the new WAL header
 * reaches the disk with the first fdatasync after it, before any answer.
 * This connection never checkpoints by itself (a checkpoint at OFF would not sync the database file): the writer
 * runs its backstop at NORMAL (checkpointWithSync), and closeIngestConnection closes at NORMAL.
 */
export function openIngestConnection(file: string): Database.Database {
  const sqlite = openConnection(file, 'NORMAL');
  // This connection only inserts events with the runs and jobs of automations it has just read in the same
  // transaction, so the parent rows exist by construction; skipping the foreign-key lookups saves ~15% per event.
  // Its one delete trims rejected events, which never have runs; every other delete (with its cascades) happens on
  // the other connections, which keep foreign keys on.
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('wal_autocheckpoint = 0');
  return sqlite;
}

/** A PASSIVE checkpoint on the ingest connection, with the syncs a checkpoint needs. */
export function checkpointWithSync(ingest: Database.Database): void {
  ingest.pragma('synchronous = NORMAL');
  try {
    ingest.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    ingest.pragma('synchronous = OFF');
  }
}

/** Closing the last connection checkpoints the WAL into the database file: at NORMAL, so that file is synced. */
export function closeIngestConnection(ingest: Database.Database): void {
  ingest.pragma('synchronous = NORMAL');
  ingest.close();
}

export function closeDb(): void {
  const g = globalThis as GlobalWithDb & GlobalWithWorkerDb;
  if (g[WORKER_KEY] && g[WORKER_KEY] !== g[KEY]) g[WORKER_KEY].sqlite.close();
  delete g[WORKER_KEY];
  g[KEY]?.sqlite.close();
  delete g[KEY];
}
