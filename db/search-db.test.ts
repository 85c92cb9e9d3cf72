import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDb, getDbHandle, openWorkerConnection } from '@/db/client';
import { newId } from '@/lib/ids';
import { catchUpSearchIndex, indexPendingEvents, searchReader } from '@/lib/runs/search-index';
import { addHook, addUser, useTempDatabase } from '@/test/support/db';
import { readMark, searchDatabasePath } from './search-db';

let cleanup: () => void;

beforeEach(() => {
  ({ cleanup } = useTempDatabase());
  addUser('usr_a', 'a@example.com');
  addHook('hk_a', 'usr_a');
});

afterEach(() => cleanup());

function addEvent(word: string): string {
  const id = newId('evt');
  getDbHandle()
    .sqlite.prepare(
      `insert into events (id, user_id, hook_id, source, outcome, method, body_raw, body_kind, body_parsed, received_at)
       values (?, 'usr_a', 'hk_a', 'webhook', 'accepted', 'POST', ?, 'json', null, 0)`,
    )
    .run(id, Buffer.from(JSON.stringify({ word })));
  return id;
}

function hits(word: string): number {
  return (
    searchReader(getDbHandle().sqlite)
      .prepare(`select count(*) as n from search.events_fts where events_fts match ?`)
      .get(`"${word}"`) as {
      n: number;
    }
  ).n;
}

describe('search index in a file of its own', () => {
  it('lives beside the database, and a pass writes it while another connection holds the main write lock', () => {
    const { path: file } = getDbHandle();
    expect(searchDatabasePath(file)).toBe(file.replace(/hookline\.db$/, 'hookline-search.db'));
    addEvent('kiwi');
    const events = openWorkerConnection(file);
    events.pragma('busy_timeout = 0'); // a write to the main file would fail at once instead of waiting
    const holder = new Database(file);
    holder.exec('begin immediate');
    try {
      expect(indexPendingEvents(events)).toBe(1);
    } finally {
      holder.exec('rollback');
      holder.close();
      events.close();
    }
    expect(hits('kiwi')).toBe(1);
    const tables = getDbHandle()
      .sqlite.prepare(`select name from main.sqlite_schema where name like 'events_fts%'`)
      .pluck()
      .all();
    expect(tables).toEqual([]);
  });

  it('lets the main connection write while an indexer pass holds the search file', () => {
    const { sqlite, path: file } = getDbHandle();
    sqlite.pragma('busy_timeout = 0'); // waiting for the search file would fail at once
    const pass = new Database(searchDatabasePath(file));
    pass.exec('begin immediate');
    try {
      sqlite.transaction(() => sqlite.prepare(`insert into settings (key, value) values ('k', '1')`).run())();
    } finally {
      pass.exec('rollback');
      pass.close();
    }
    expect(sqlite.prepare(`select value from settings where key = 'k'`).pluck().get()).toBe('1');
  });

  it('carries deletes over, JSON events included, and empties the log', () => {
    const { sqlite } = getDbHandle();
    const gone = addEvent('mango');
    addEvent('papaya');
    catchUpSearchIndex(sqlite);
    expect(hits('mango')).toBe(1);
    sqlite.prepare(`delete from events where id = ?`).run(gone);
    expect(sqlite.prepare(`select count(*) from search_deletes`).pluck().get()).toBe(1);
    catchUpSearchIndex(sqlite);
    expect(hits('mango')).toBe(0);
    expect(hits('papaya')).toBe(1);
    expect(sqlite.prepare(`select count(*) from search_deletes`).pluck().get()).toBe(0);
  });

  it('indexes a new event that took a deleted event’s rowid before the next pass', () => {
    const { sqlite } = getDbHandle();
    addEvent('older');
    const newest = addEvent('lychee');
    catchUpSearchIndex(sqlite);
    const rowid = sqlite.prepare(`select rowid from events where id = ?`).pluck().get(newest);
    sqlite.prepare(`delete from events where id = ?`).run(newest);
    const next = addEvent('durian');
    expect(sqlite.prepare(`select rowid from events where id = ?`).pluck().get(next)).toBe(rowid);
    catchUpSearchIndex(sqlite);
    expect(hits('lychee')).toBe(0);
    expect(hits('durian')).toBe(1);
  });

  it('lowers its mark when the newest events are deleted, so the rowids handed out again get indexed', () => {
    const { sqlite } = getDbHandle();
    addEvent('older');
    const newest = addEvent('quince');
    catchUpSearchIndex(sqlite);
    sqlite.prepare(`delete from events where id = ?`).run(newest);
    catchUpSearchIndex(sqlite); // the delete reaches the index before the rowid is reused
    addEvent('guava');
    catchUpSearchIndex(sqlite);
    expect(hits('quince')).toBe(0);
    expect(hits('guava')).toBe(1);
  });

  it('is rebuilt from the events when its file is gone', () => {
    const { path: file } = getDbHandle();
    addEvent('feijoa');
    catchUpSearchIndex(getDbHandle().sqlite);
    closeDb();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(searchDatabasePath(file) + suffix, { force: true });
    catchUpSearchIndex(getDbHandle().sqlite);
    expect(hits('feijoa')).toBe(1);
  });

  it('moves an index kept in the main file (before migration 0008) out, with its mark, at startup', () => {
    const { sqlite, path: file } = getDbHandle();
    addEvent('tamarind');
    addEvent('rambutan');
    // The layout before: the index a table of the main file, its mark in settings, rambutan not yet indexed.
    const tamarindRowid = sqlite.prepare(`select min(rowid) from events`).pluck().get() as number;
    sqlite.exec(`create virtual table main.events_fts using fts5(body, content='', contentless_delete=1,
      tokenize='unicode61 remove_diacritics 2')`);
    sqlite
      .prepare(`insert into main.events_fts (rowid, body) values (?, '{"word":"tamarind"}')`)
      .run(tamarindRowid);
    sqlite
      .prepare(`insert into settings (key, value) values ('searchIndexedRowid', ?)`)
      .run(JSON.stringify(tamarindRowid));
    closeDb();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(searchDatabasePath(file) + suffix, { force: true });

    const reopened = getDbHandle().sqlite;
    expect(
      reopened.prepare(`select name from main.sqlite_schema where name like 'events_fts%'`).all(),
    ).toEqual([]);
    expect(
      reopened.prepare(`select count(*) from settings where key = 'searchIndexedRowid'`).pluck().get(),
    ).toBe(0);
    expect(readMark(searchReader(reopened), 'search')).toBe(tamarindRowid);
    expect(hits('tamarind')).toBe(1); // copied, not re-indexed: the mark is past it
    expect(hits('rambutan')).toBe(0);
    catchUpSearchIndex(reopened);
    expect(hits('rambutan')).toBe(1);
    expect(hits('tamarind')).toBe(1);
    searchReader(reopened).exec(`insert into search.events_fts(events_fts) values ('integrity-check')`); // throws if corrupt
  });
});
