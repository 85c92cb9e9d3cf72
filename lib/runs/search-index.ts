import type Database from 'better-sqlite3';
import { PARSED_BODY_SQL } from '@/lib/events/parsed-body';
import { ingestBusy } from '@/lib/ingest/pressure';

// The payload search index (events_fts) is filled here, outside the ingest transaction: tokenising a body roughly
// doubles the cost of storing an event, and acknowledging webhooks is the hot path. A background pass indexes new
// events a few times a second (none while ingest is pressed), and every search first catches up, so a search
// always sees every stored event.

const MARK = 'searchIndexedRowid';
const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(sqlite: Database.Database) {
  return {
    mark: sqlite.prepare(`select value from settings where key = '${MARK}'`),
    setMark: sqlite.prepare(
      `insert into settings (key, value) values ('${MARK}', ?) on conflict (key) do update set value = excluded.value`,
    ),
    maxRowid: sqlite.prepare(`select coalesce(max(rowid), 0) as n from events`),
    pending: sqlite.prepare(
      `select rowid, body_kind, ${PARSED_BODY_SQL} as body_parsed from events where rowid > ? order by rowid limit ?`,
    ),
    insert: sqlite.prepare(`insert into events_fts (rowid, body) values (?, ?)`),
  };
}

function stmts(sqlite: Database.Database) {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepare(sqlite)));
  return s;
}

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

/** Indexes up to `limit` events stored since the last pass; returns how many rows it looked at. */
export function indexPendingEvents(sqlite: Database.Database, limit = 1000): number {
  const s = stmts(sqlite);
  return sqlite
    .transaction(() => {
      const row = s.mark.get() as { value: string } | undefined;
      let mark = row ? Number(JSON.parse(row.value)) : 0;
      // Deleting the newest events lets SQLite hand their rowids out again: never stay above the table's end.
      const max = (s.maxRowid.get() as { n: number }).n;
      if (mark > max) mark = max;
      if (mark === max) {
        if (row && Number(JSON.parse(row.value)) !== mark) s.setMark.run(JSON.stringify(mark));
        return 0;
      }
      const rows = s.pending.all(mark, limit) as {
        rowid: number;
        body_kind: string | null;
        body_parsed: string | null;
      }[];
      for (const r of rows) {
        const text = searchableText(r.body_kind, r.body_parsed);
        if (text !== null) s.insert.run(BigInt(r.rowid), text);
      }
      if (rows.length > 0) s.setMark.run(JSON.stringify(rows[rows.length - 1].rowid));
      return rows.length;
    })
    .immediate();
}

/** Before a search: index everything not yet indexed. */
export function catchUpSearchIndex(sqlite: Database.Database): void {
  while (indexPendingEvents(sqlite, 5000) === 5000) {
    /* keep going */
  }
}

/**
 * Events per background pass. A pass holds the write lock the ingest writer waits for: 2,000 at once held it
 * 40–80 ms while a burst's backlog was indexed, which showed up as the acknowledgements' worst latencies.
 */
export const INDEX_PASS_LIMIT = 200;
/** Pause between passes while a backlog is worked off, so the other writers get the lock in between. */
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
      // Not while ingest is pressed: a pass holds the write lock the ingest writer waits for, and FTS5 merges its
      // segments inside some of them (16–90 ms even for 25 events). A search catches the index up first anyway.
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
