import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDbHandle } from '@/db/client';
import { newId } from '@/lib/ids';
import { useTempDatabase } from '@/test/support/db';
import { startSearchIndexerThread } from '@/lib/background';
import { INDEX_PASS_LIMIT, searchReader, startSearchIndexer } from './search-index';

let cleanup: () => void;

beforeAll(() => {
  ({ cleanup } = useTempDatabase());
  const sqlite = getDbHandle().sqlite;
  sqlite
    .prepare(
      `insert into users (id, email, password_hash, created_at, updated_at) values ('usr_a', 'a@x.y', 'x', 0, 0)`,
    )
    .run();
  sqlite
    .prepare(
      `insert into hooks (id, user_id, name, token, allowed_methods, verification, allowed_ips, max_body_bytes, created_at, updated_at)
       values ('hk_a', 'usr_a', 'a', 'tok_a', '["POST"]', '{"scheme":"none"}', '[]', 1000, 0, 0)`,
    )
    .run();
  const insert = sqlite.prepare(
    `insert into events (id, user_id, hook_id, source, outcome, method, body_raw, body_kind, body_parsed, received_at)
     values (?, 'usr_a', 'hk_a', 'webhook', 'accepted', 'POST', ?, 'json', null, 0)`,
  );
  sqlite.transaction(() => {
    for (let i = 0; i < 2 * INDEX_PASS_LIMIT + 50; i++) {
      insert.run(newId('evt'), Buffer.from(JSON.stringify({ n: i, word: i === 7 ? 'Zanzibar' : 'plain' })));
    }
  })();
});

afterAll(() => cleanup());

describe('background search indexer', () => {
  it('works a backlog off in short passes, one after the other, without waiting for the interval', async () => {
    const passes: number[] = [];
    // An hour between ordinary passes: only the backlog's own follow-up passes can index it all within the test.
    const stop = startSearchIndexer(() => getDbHandle().sqlite, {
      intervalMs: 3_600_000,
      onPass: (n) => passes.push(n),
    });
    try {
      await vi.waitFor(() => expect(passes).toEqual([INDEX_PASS_LIMIT, INDEX_PASS_LIMIT, 50]), {
        timeout: 5000,
      });
      const hits = searchReader(getDbHandle().sqlite)
        .prepare(`select count(*) as n from search.events_fts where events_fts match 'zanzibar'`)
        .get() as { n: number };
      expect(hits.n).toBe(1);
    } finally {
      stop();
    }
  });

  it('indexes on a thread of its own, off the event loop, for a database file', async () => {
    const { sqlite, path: file } = getDbHandle();
    sqlite
      .prepare(
        `insert into events (id, user_id, hook_id, source, outcome, method, body_raw, body_kind, body_parsed, received_at)
         values (?, 'usr_a', 'hk_a', 'webhook', 'accepted', 'POST', ?, 'json', null, 0)`,
      )
      .run(newId('evt'), Buffer.from(JSON.stringify({ word: 'Quokka' })));
    const found = () =>
      (
        searchReader(sqlite)
          .prepare(`select count(*) as n from search.events_fts where events_fts match 'quokka'`)
          .get() as {
          n: number;
        }
      ).n;
    expect(found()).toBe(0);
    const stop = startSearchIndexerThread(file, 3_600_000);
    try {
      await vi.waitFor(() => expect(found()).toBe(1), { timeout: 10_000 });
    } finally {
      stop();
    }
  });
});
