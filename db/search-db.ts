import path from 'node:path';
import Database from 'better-sqlite3';

// The payload search index (events_fts) lives in a database file of its own beside the main one, so indexing and
// FTS5's segment merges (16–90 ms, at worst ~180 ms in one pass) take that file's write lock, never the one the
// ingest writer commits webhooks under. The main database only logs which events were deleted (search_deletes, by
// trigger); the indexer (lib/runs/search-index.ts) carries those deletes over. The file is derived data: deleted, it
// is rebuilt from the events.

const FTS = `fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`;
const SHADOW_TABLES = ['data', 'idx', 'docsize', 'config'];

/** `data/hookline.db` → `data/hookline-search.db`; an in-memory database gets an in-memory index. */
export function searchDatabasePath(file: string): string {
  if (file === ':memory:') return file;
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext)}-search${ext || '.db'}`);
}

function createSchema(sqlite: Database.Database, schema: string): void {
  sqlite.exec(`create virtual table if not exists ${schema}.events_fts using ${FTS};
    create table if not exists ${schema}.search_state (key text primary key, value text not null)`);
}

/**
 * A connection on the search file alone, for writing the index: its transactions lock only that file (and take no
 * part in this process's write lock, db/write-lock.ts). NORMAL is enough: the index and its mark commit together,
 * so a power cut loses at most the last passes, which the next ones redo.
 */
export function openSearchConnection(file: string): Database.Database {
  const sqlite = new Database(searchDatabasePath(file));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  createSchema(sqlite, 'main');
  return sqlite;
}

/**
 * Readies the search file for a main database that has just been migrated: moves an index that still lives in the
 * main file, and creates the index's tables. An in-memory database gets its index attached to its one connection.
 */
export function prepareSearchDatabase(sqlite: Database.Database, file: string): void {
  if (file === ':memory:') {
    attach(sqlite, file);
    return;
  }
  moveIndexOut(file);
  openSearchConnection(file).close();
}

function attach(sqlite: Database.Database, file: string): void {
  sqlite.prepare(`attach database ? as search`).run(searchDatabasePath(file));
  sqlite.pragma('search.journal_mode = WAL');
  createSchema(sqlite, 'search');
}

/**
 * A connection for search queries: the main file with the index attached as `search`, to join it with the events.
 * Not the main connection: a write transaction takes the write lock of every attached file, so each of its writes
 * would have waited for an indexer pass, holding this process's write lock (and the webhooks) meanwhile. This one
 * only reads, which locks nothing in WAL mode.
 */
export function openSearchReader(file: string): Database.Database {
  const sqlite = new Database(file, { fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  attach(sqlite, file);
  return sqlite;
}

/**
 * Up to migration 0007 the index was a table of the main file. Its FTS5 tables are copied as they are (re-indexing
 * every event would make the first search after an upgrade wait for all of them), with the indexer's mark, and the
 * old table is dropped, all in one transaction on a connection of its own (FTS5 caches an index's structure per
 * connection, so none that will use the index may see it before the copy).
 */
function moveIndexOut(file: string): void {
  const sqlite = new Database(file);
  try {
    sqlite.pragma('busy_timeout = 5000');
    const old = () => sqlite.prepare(`select 1 from main.sqlite_schema where name = 'events_fts'`).get();
    if (!old()) return;
    attach(sqlite, file);
    sqlite.unsafeMode(true); // FTS5's own tables may be written directly only in this mode (not "defensive")
    sqlite
      .transaction(() => {
        if (!old()) return; // another process (a separate worker) moved it meanwhile
        for (const t of SHADOW_TABLES) {
          sqlite.exec(`delete from search.events_fts_${t};
            insert into search.events_fts_${t} select * from main.events_fts_${t}`);
        }
        const row = sqlite.prepare(`select value from settings where key = 'searchIndexedRowid'`).get() as
          { value: string } | undefined;
        writeMark(sqlite, 'search', row ? Number(JSON.parse(row.value)) : 0);
        sqlite.exec(`drop table main.events_fts; delete from main.settings where key = 'searchIndexedRowid'`);
      })
      .immediate();
  } finally {
    sqlite.close();
  }
}

const MARK_KEY = 'indexedRowid';

/** The rowid of the last event indexed: every event at or below it is in the index, deletes logged aside. */
export function readMark(sqlite: Database.Database, schema: string): number {
  const row = sqlite.prepare(`select value from ${schema}.search_state where key = '${MARK_KEY}'`).get() as
    { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

export function writeMark(sqlite: Database.Database, schema: string, rowid: number): void {
  sqlite
    .prepare(
      `insert into ${schema}.search_state (key, value) values ('${MARK_KEY}', ?)
       on conflict (key) do update set value = excluded.value`,
    )
    .run(String(rowid));
}
