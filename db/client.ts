import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import fs from 'node:fs';
import path from 'node:path';
import { databasePath, ensureGeneratedSecrets } from '@/lib/env';
import * as schema from './schema';

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

function openConnection(file: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
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
// is simply run again. Acknowledged events are written on the main connection with synchronous=FULL, whose fsync
// also makes every earlier WAL frame durable. In one process the two connections never contend: every
// transaction is synchronous and ends before the event loop moves on.
const WORKER_KEY = Symbol.for('hookline.db.worker');
type GlobalWithWorkerDb = typeof globalThis & { [WORKER_KEY]?: DbHandle };

export function getWorkerDbHandle(): DbHandle {
  const g = globalThis as GlobalWithWorkerDb;
  if (!g[WORKER_KEY]) {
    const main = getDbHandle();
    if (main.path === ':memory:') {
      g[WORKER_KEY] = main;
    } else {
      const sqlite = openConnection(main.path, 'NORMAL');
      g[WORKER_KEY] = { sqlite, db: drizzle(sqlite, { schema }), path: main.path };
    }
  }
  return g[WORKER_KEY];
}

export function closeDb(): void {
  const g = globalThis as GlobalWithDb & GlobalWithWorkerDb;
  if (g[WORKER_KEY] && g[WORKER_KEY] !== g[KEY]) g[WORKER_KEY].sqlite.close();
  delete g[WORKER_KEY];
  g[KEY]?.sqlite.close();
  delete g[KEY];
}
