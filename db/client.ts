import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import fs from 'node:fs';
import path from 'node:path';
import { databasePath, ensureGeneratedSecrets } from '@/lib/env';
import * as schema from './schema';
import { prepareSearchDatabase } from './search-db';
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

function openConnection(file: string, synchronous: 'FULL' | 'NORMAL' | 'OFF'): Database.Database {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A checkpoint on a connection at OFF would not sync the database file: such connections never checkpoint
  // (see syncsNothing), and close at NORMAL, as closing the last connection checkpoints.
  sqlite.pragma(`wal_autocheckpoint = ${synchronous === 'OFF' ? 0 : autoCheckpointPages()}`);
  if (synchronous === 'OFF') {
    const close = sqlite.close.bind(sqlite);
    sqlite.close = () => {
      if (sqlite.open) sqlite.pragma('synchronous = NORMAL');
      return close();
    };
    syncsNothing.add(sqlite);
  }
  // No journal_size_limit: truncating a large WAL when a commit starts it over happens under the write lock, and that
  // ftruncate held ingest up to 60 ms more at the worst moments (bench:ingest max 64–80 ms without it, 108–133 with).
  // The checkpointer thread truncates the WAL in a quiet moment after a burst instead (db/checkpoint-thread.ts).
  immediateTransactions(sqlite);
  return sqlite;
}

/**
 * Connections at synchronous=OFF: the ingest writer's, which fdatasyncs the WAL itself before any answer, and the
 * worker's, whose writes need no sync at all (delivery is at least once: a delivery whose record is lost to a power
 * cut is simply made again). OFF rather than NORMAL spares the sync SQLite makes when a commit starts the WAL over
 * from its beginning after a checkpoint: on a busy disk that took 50–80 ms about once a second, holding the write
 * lock, so every other writer (and every webhook waiting on the ingest writer) stalled with it. That sync is not
 * needed: starting over only overwrites frames a checkpoint has already copied into the database file and synced
 * (the checkpointer runs at NORMAL); the new WAL header reaches the disk with the next sync of the WAL, the ingest
 * writer's or a checkpoint's, and until then recovery simply ignores frames written after it.
 */
const syncsNothing = new WeakSet<Database.Database>();

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
    if (handle?.open && !syncsNothing.has(handle)) handle.pragma(`wal_autocheckpoint = ${pages}`);
  }
}

export function openDatabase(file: string): DbHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = openConnection(file, 'FULL');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: migrationsFolder() });
  prepareSearchDatabase(sqlite, file);
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

// The delivery worker's own connection, with synchronous=OFF (see syncsNothing): its writes (run progress, attempts)
// need not wait for an fsync, because delivery is at least once — if power fails before the WAL reaches the disk,
// the job is simply run again. In one process the connections never contend: every transaction is synchronous and ends
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

/** A connection like the worker's (synchronous=OFF), for the worker's bookkeeping thread (lib/delivery). */
export function openWorkerConnection(file: string): Database.Database {
  return openConnection(file, 'OFF');
}

/**
 * The ingest writer's connection (lib/ingest/writer-thread.ts), at synchronous=OFF (see syncsNothing): the writer
 * fdatasyncs the WAL after each commit and before any answer, which is what FULL does inside COMMIT
 * (lib/ingest/group-commit.ts). When its WAL writes are gathered (db/wal-coalesce.ts) it runs at FULL, through a VFS
 * whose WAL sync only writes its buffer out. It never checkpoints by itself; the writer runs its backstop
 * (checkpointWithSync).
 */
export function openIngestConnection(file: string): Database.Database {
  const sqlite = openConnection(file, 'OFF');
  // This connection only inserts events with the runs and jobs of automations it has just read in the same
  // transaction, so the parent rows exist by construction; skipping the foreign-key lookups saves ~15% per event.
  // Its one delete trims rejected events, which never have runs; every other delete (with its cascades) happens on
  // the other connections, which keep foreign keys on.
  sqlite.pragma('foreign_keys = OFF');
  return sqlite;
}

/** A PASSIVE checkpoint with the syncs a checkpoint needs, on a connection at OFF (or above, which syncs anyway). */
export function checkpointWithSync(sqlite: Database.Database): void {
  if ((sqlite.pragma('synchronous', { simple: true }) as number) > 0) {
    sqlite.pragma('wal_checkpoint(PASSIVE)');
    return;
  }
  sqlite.pragma('synchronous = NORMAL');
  try {
    sqlite.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    sqlite.pragma('synchronous = OFF');
  }
}

export function closeDb(): void {
  const g = globalThis as GlobalWithDb & GlobalWithWorkerDb;
  if (g[WORKER_KEY] && g[WORKER_KEY] !== g[KEY]) g[WORKER_KEY].sqlite.close();
  delete g[WORKER_KEY];
  g[KEY]?.sqlite.close();
  delete g[KEY];
}
