import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { withWriteLock } from './write-lock';

// The ingest writer's WAL writes, gathered (native/wal-coalesce.c). SQLite writes each WAL frame with two write
// calls, so a commit of 16 webhooks (~50 frames) made ~100 system calls, 0.35-0.42 ms of the writer's ~2 ms cycle on
// the 2-core machine. Through the extension's VFS a commit's frames go out in one or two writes. The connection runs
// at synchronous=FULL only so that SQLite calls the WAL's xSync inside COMMIT, where the shim writes its buffer out
// before the commit becomes visible to other connections; the shim does not sync there. The writer fdatasyncs the WAL
// after COMMIT, outside the write lock, and only then answers, as without the shim.
//
// The checkpointer's connection goes through it too, to gather the pages a checkpoint copies into the database file;
// there the shim's xSync syncs as SQLite asks (openWithCheckpointGathering).
//
// The library is built at install (scripts/build-native.ts); without it, or with HOOKLINE_WAL_COALESCE=off, the
// writer runs as before (synchronous=OFF and its own fdatasync after each commit), and so does the checkpointer.

/** Where scripts/build-native.ts puts the library. */
export function walCoalesceLibraryPath(): string {
  const name = process.platform === 'darwin' ? 'wal-coalesce.dylib' : 'wal-coalesce.so';
  return path.join(process.cwd(), 'native', 'build', name);
}

/** The built library, or null (not built, or turned off). */
export function walCoalesceLibrary(): string | null {
  if (process.env.HOOKLINE_WAL_COALESCE === 'off') return null;
  const file = walCoalesceLibraryPath();
  return fs.existsSync(file) ? file : null;
}

/**
 * Opens a connection (with `open`) through the extension's VFS, with the extension loaded on it. The VFS is SQLite's
 * default only while `open` runs (SQLite picks a connection's VFS when it opens, and better-sqlite3 cannot name one);
 * a connection another thread opens in that moment passes straight through it. The process's write lock makes that
 * one thread at a time: the ingest writer and the checkpointer start together, and one could give the default back
 * while the other opened, its connection then going through the real VFS, its writes not gathered.
 */
function openThroughShim(library: string, open: () => Database.Database): Database.Database {
  const sqlite = withWriteLock(() => {
    const boot = new Database(':memory:');
    try {
      boot.loadExtension(library);
      boot.prepare('select hookline_vfs_default(1)').get();
      try {
        return open();
      } finally {
        boot.prepare('select hookline_vfs_default(0)').get();
      }
    } finally {
      boot.close();
    }
  });
  return setUp(sqlite, () => {
    sqlite.loadExtension(library);
  });
}

/** Runs `steps` on a connection just opened, closing it if they throw. */
function setUp(sqlite: Database.Database, steps: () => void): Database.Database {
  try {
    steps();
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return sqlite;
}

/**
 * Opens a connection (with `open`) whose WAL writes are gathered: through the extension's VFS, at synchronous=FULL.
 * Throws if the extension cannot be loaded or switched on; the caller then opens the connection as usual.
 */
export function openWithWalCoalescing(library: string, open: () => Database.Database): Database.Database {
  const sqlite = openThroughShim(library, open);
  return setUp(sqlite, () => {
    sqlite.pragma('synchronous = FULL');
    sqlite.prepare('select count(*) from sqlite_schema').get(); // opens the WAL, if open() read nothing
    sqlite.prepare('select hookline_wal_coalesce()').get();
  });
}

/**
 * Opens the checkpointer's connection (with `open`) so that the pages a checkpoint copies into the database file go
 * out in runs, not a write call each (native/wal-coalesce.c, hookline_db_coalesce): under bench:ingest the
 * checkpointer made ~12,000 one-page writes a second. Its syncs are SQLite's own, unchanged. Throws as
 * openWithWalCoalescing.
 */
export function openWithCheckpointGathering(
  library: string,
  open: () => Database.Database,
): Database.Database {
  const sqlite = openThroughShim(library, open);
  return setUp(sqlite, () => sqlite.prepare('select hookline_db_coalesce()').get());
}
