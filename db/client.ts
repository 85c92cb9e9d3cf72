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

export function openDatabase(file: string): DbHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
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

export function closeDb(): void {
  const g = globalThis as GlobalWithDb;
  g[KEY]?.sqlite.close();
  delete g[KEY];
}
