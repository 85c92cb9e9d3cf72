import type Database from 'better-sqlite3';
import { PARSED_BODY_SQL } from '@/lib/events/parsed-body';
import { ingestBusy } from '@/lib/ingest/pressure';
import { openSearchConnection, openSearchReader, readMark, writeMark } from '@/db/search-db';

// The payload search index (events_fts, in a file of its own: db/search-db.ts) is filled here, outside the
// ingest transaction: tokenising a body roughly doubles the cost of storing an event, and acknowledging webhooks is
// the hot path. A background pass indexes new events a few times a second (none while ingest is pressed), and every
// search first catches up, so a search always sees every stored event.

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

const EVENT_COLUMNS = `rowid, body_kind, ${PARSED_BODY_SQL} as body_parsed`;

/**
 * The connections that write and read the index for a main connection, and the schema the index has on the writer:
 * for a file, one on the search file and one reading both files (db/search-db.ts), closed with the main one; for an
 * in-memory database, the main connection itself, where the index is attached as `search`.
 */
function searchSide(sqlite: Database.Database): {
  search: Database.Database;
  reader: Database.Database;
  schema: string;
} {
  if (sqlite.memory) return { search: sqlite, reader: sqlite, schema: 'search' };
  const search = openSearchConnection(sqlite.name);
  const reader = openSearchReader(sqlite.name);
  const close = sqlite.close.bind(sqlite);
  sqlite.close = () => {
    for (const c of [search, reader]) if (c.open) c.close();
    return close();
  };
  return { search, reader, schema: 'main' };
}

function prepare(sqlite: Database.Database) {
  const { search, reader, schema } = searchSide(sqlite);
  return {
    search,
    reader,
    schema,
    maxRowid: sqlite.prepare(`select coalesce(max(rowid), 0) as n from events`),
    pending: sqlite.prepare(`select ${EVENT_COLUMNS} from events where rowid > ? order by rowid limit ?`),
    event: sqlite.prepare(`select ${EVENT_COLUMNS} from events where rowid = ?`),
    deletes: sqlite.prepare(`select seq, event_rowid from search_deletes order by seq limit ?`),
    clearDeletes: sqlite.prepare(`delete from search_deletes where seq <= ?`),
    insert: search.prepare(`insert into ${schema}.events_fts (rowid, body) values (?, ?)`),
    remove: search.prepare(`delete from ${schema}.events_fts where rowid = ?`),
  };
}

function stmts(sqlite: Database.Database) {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepare(sqlite)));
  return s;
}

// An event as the indexer reads it (its text is tokenised; nothing else is needed).
type IndexRow = { rowid: number; body_kind: string | null; body_parsed: string | null };

function searchableText(kind: string | null, parsed: string | null): string | null {
  if (parsed === null || kind === 'binary' || kind === 'empty' || kind === null) return null;
  if (kind === 'text') {
    try {
      const v: unknown = JSON.parse(parsed);
      return typeof v === 'string' ? v : parsed;
    } catch {
      return parsed;
    }
  }
  return parsed;
}

/**
 * Carries over up to `limit` logged deletes and indexes up to `limit` events stored since the last pass, in one
 * transaction on the search file; returns how many rows it looked at. Called with a main connection.
 */
export function indexPendingEvents(sqlite: Database.Database, limit = 1000): number {
  const s = stmts(sqlite);
  const max = () => (s.maxRowid.get() as { n: number }).n;
  if (readMark(s.search, s.schema) === max() && s.deletes.all(1).length === 0) return 0;
  const index = (r: IndexRow) => {
    const text = searchableText(r.body_kind, r.body_parsed);
    if (text !== null) s.insert.run(BigInt(r.rowid), text);
  };
  // Read and written under the search file's write lock: a search's catch-up and the background pass may run at
  // the same time, and an event indexed twice would be in the index twice.
  const { rows, deletes } = s.search
    .transaction(() => {
      const deletes = s.deletes.all(limit) as { seq: number; event_rowid: number }[];
      const stored = readMark(s.search, s.schema);
      // Deleting the newest events lets SQLite hand their rowids out again: never stay above the table's end.
      const mark = Math.min(stored, max());
      const rows = s.pending.all(mark, limit) as IndexRow[];
      for (const d of deletes) {
        s.remove.run(BigInt(d.event_rowid));
        // At or below the mark, the rowid may already belong to a new event, which no pass would read again.
        const reused =
          d.event_rowid <= mark ? (s.event.get(d.event_rowid) as IndexRow | undefined) : undefined;
        if (reused) index(reused);
      }
      rows.forEach(index);
      const newMark = rows.length > 0 ? rows[rows.length - 1]!.rowid : mark;
      if (newMark !== stored) writeMark(s.search, s.schema, newMark);
      return { rows: rows.length, deletes };
    })
    .immediate();
  if (deletes.length > 0) {
    const last = deletes[deletes.length - 1]!.seq;
    sqlite.transaction(() => s.clearDeletes.run(last))();
  }
  return Math.max(rows, deletes.length);
}

/**
 * Before a search: indexes everything not yet indexed, and returns the connection to search on, where the index is
 * `search.events_fts` beside the main file's tables.
 */
export function catchUpSearchIndex(sqlite: Database.Database): Database.Database {
  while (indexPendingEvents(sqlite, 5000) === 5000) {
    /* keep going */
  }
  return searchReader(sqlite);
}

/** The connection to search on for a main connection (see catchUpSearchIndex), without catching up. */
export function searchReader(sqlite: Database.Database): Database.Database {
  return stmts(sqlite).reader;
}

/**
 * Events per background pass. A pass locks only the search file, but a search waits for it (its catch-up writes
 * there too): passes of 2,000 took 40–80 ms.
 */
export const INDEX_PASS_LIMIT = 200;
/** Pause between passes while a backlog is worked off, leaving the machine's cores to the rest in between. */
const BACKLOG_PAUSE_MS = 15;

/**
 * Background passes on this thread, the first at once; returns a stop function. `busy` says when to skip a pass
 * (default: ingest pressed, lib/ingest/pressure.ts); `onPass` hears how many events each indexed.
 */
export function startSearchIndexer(
  getSqlite: () => Database.Database,
  options: { intervalMs?: number; busy?: () => boolean; onPass?: (indexed: number) => void } = {},
): () => void {
  const intervalMs = options.intervalMs ?? 250;
  const busy = options.busy ?? (() => ingestBusy());
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const pass = () => {
    let indexed = 0;
    try {
      // Not while ingest is pressed: tokenising bodies and FTS5's segment merges (16–90 ms even for 25 events) take
      // CPU time and disk writes the burst needs. A search catches the index up first anyway.
      if (!busy()) indexed = indexPendingEvents(getSqlite(), INDEX_PASS_LIMIT);
    } catch (error) {
      console.error('Search indexing failed', error);
    }
    if (stopped) return;
    options.onPass?.(indexed);
    // A backlog (after a burst) is worked off in short passes with the event loop free in between.
    timer = setTimeout(pass, indexed === INDEX_PASS_LIMIT ? BACKLOG_PAUSE_MS : intervalMs);
    timer.unref();
  };
  timer = setTimeout(pass, 0);
  timer.unref();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
