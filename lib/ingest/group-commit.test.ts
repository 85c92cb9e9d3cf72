import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDbHandle, openIngestConnection } from '@/db/client';
import { useTempDatabase } from '@/test/support/db';
import { GroupCommit } from './group-commit';
import type { WriteItem } from './write-events';

// A real SQLite file and the real ingest connection; only the WAL flush is the test's, to observe and to fail.
let cleanup: () => void;
beforeEach(() => {
  cleanup = useTempDatabase().cleanup;
});
afterEach(() => cleanup());

function item(n: number): WriteItem {
  return {
    kind: 'accept',
    hookId: 'hk_none',
    userId: 'usr_none',
    method: 'POST',
    path: '/h/x',
    queryJson: '{}',
    headersJson: '{}',
    contentType: 'application/json',
    size: 8,
    sourceIp: '127.0.0.1',
    verification: 'none',
    receivedAt: Date.now(),
    rejectStatus: null,
    rejectReason: null,
    bodyRaw: Buffer.from(JSON.stringify({ n })),
    bodyKind: 'json',
    bodyParsedJson: null,
    dedupeKey: null,
  };
}

function write(group: GroupCommit, items: WriteItem[]) {
  return new Promise<{ error: Error | null; ids: string[] }>((resolve) =>
    group.write(items, (error, results) => resolve({ error, ids: (results ?? []).map((r) => r.id) })),
  );
}

describe('GroupCommit', () => {
  it('stores batches written in the same turn in one commit, answered only after the WAL flush', async () => {
    const sqlite = openIngestConnection(getDbHandle().path);
    const count = getDbHandle().sqlite.prepare(`select count(*) as n from events`).pluck();
    const events: string[] = [];
    const group = new GroupCommit(sqlite, () => events.push(`flush after ${count.get()}`));
    const answers = [write(group, [item(1), item(2)]), write(group, [item(3)])].map((p) =>
      p.then((a) => (events.push('answer'), a)),
    );
    const [a, b] = await Promise.all(answers);
    expect(events).toEqual(['flush after 3', 'answer', 'answer']);
    expect(a.error).toBeNull();
    expect(a.ids).toHaveLength(2);
    expect(b.ids).toHaveLength(1);
    sqlite.close();
  });

  it('takes turns: what arrives during a flush goes into the next commit, answered after its own flush', async () => {
    const sqlite = openIngestConnection(getDbHandle().path);
    const count = getDbHandle().sqlite.prepare(`select count(*) as n from events`).pluck();
    const events: string[] = [];
    let later: Promise<unknown> | null = null;
    const group = new GroupCommit(sqlite, () => {
      events.push(`flush after ${count.get()}`);
      // A request reaching the writer while the first flush runs.
      later ??= write(group, [item(2), item(3)]).then(() => events.push('answer b'));
    });
    await write(group, [item(1)]).then(() => events.push('answer a'));
    await later;
    expect(events).toEqual(['flush after 1', 'answer a', 'flush after 3', 'answer b']);
    sqlite.close();
  });

  it('answers every batch of the commit with the error when the flush fails', async () => {
    const sqlite = openIngestConnection(getDbHandle().path);
    let fail = true;
    const group = new GroupCommit(sqlite, () => {
      if (fail) throw new Error('EIO: fdatasync');
    });
    const [a, b] = await Promise.all([write(group, [item(1)]), write(group, [item(2)])]);
    expect(a.error?.message).toBe('EIO: fdatasync'); // committed, maybe not on disk: no 2xx
    expect(b.error?.message).toBe('EIO: fdatasync');
    expect(a.ids).toEqual([]);
    fail = false;
    const c = await write(group, [item(3)]); // the writer goes on
    expect(c.error).toBeNull();
    expect(c.ids).toHaveLength(1);
    sqlite.close();
  });
});
