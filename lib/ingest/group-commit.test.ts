import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDbHandle, openIngestConnection } from '@/db/client';
import { useTempDatabase } from '@/test/support/db';
import { waitFor } from '@/test/support/server';
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

/** The group commits on setImmediate: checked at every timer tick. */
const until = (check: () => boolean) => waitFor(check, { intervalMs: 0, timeoutMs: 5000 });

describe('GroupCommit', () => {
  it('stores batches written in the same turn in one commit, answered only after the WAL flush', async () => {
    const sqlite = openIngestConnection(getDbHandle().path);
    const events: string[] = [];
    const group = new GroupCommit(sqlite, (done) => {
      events.push('flush');
      setImmediate(() => done(null));
    });
    const answers = [write(group, [item(1), item(2)]), write(group, [item(3)])].map((p) =>
      p.then((a) => (events.push('answer'), a)),
    );
    const [a, b] = await Promise.all(answers);
    expect(events).toEqual(['flush', 'answer', 'answer']);
    expect(a.error).toBeNull();
    expect(a.ids).toHaveLength(2);
    expect(b.ids).toHaveLength(1);
    const stored = getDbHandle().sqlite.prepare(`select count(*) as n from events`).get();
    expect(stored).toEqual({ n: 3 });
    sqlite.close();
  });

  it('commits the next batch while the last flush runs, one commit ahead at most, each answered after its own flush', async () => {
    const sqlite = openIngestConnection(getDbHandle().path);
    const count = getDbHandle().sqlite.prepare(`select count(*) as n from events`).pluck();
    const flushes: ((error: Error | null) => void)[] = [];
    const group = new GroupCommit(sqlite, (done) => flushes.push(done));
    const answered: string[] = [];
    const send = (name: string, n: number) => write(group, [item(n)]).then((a) => (answered.push(name), a));

    const a = send('a', 1);
    await until(() => flushes.length === 1);
    expect(count.get()).toBe(1);
    const b = send('b', 2);
    await until(() => count.get() === 2); // committed while a's flush runs
    const c = send('c', 3);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(count.get()).toBe(2); // not a second commit ahead
    expect(flushes).toHaveLength(1);
    expect(answered).toEqual([]);

    flushes[0]!(null);
    await until(() => answered.length === 1 && flushes.length === 2);
    expect(answered).toEqual(['a']); // b was committed after a's flush began: it waits for the next
    await until(() => count.get() === 3); // c goes ahead while b's flush runs
    flushes[1]!(null);
    await until(() => flushes.length === 3);
    flushes[2]!(new Error('EIO: fdatasync'));
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    expect(answered).toEqual(['a', 'b', 'c']);
    expect(ra.error).toBeNull();
    expect(rb.error).toBeNull();
    expect(rc.error?.message).toBe('EIO: fdatasync'); // committed, maybe not on disk: no 2xx
    sqlite.close();
  });

  it('answers every batch of the commit with the error when the flush fails', async () => {
    const sqlite = openIngestConnection(getDbHandle().path);
    const group = new GroupCommit(sqlite, (done) => done(new Error('EIO: fdatasync')));
    const [a, b] = await Promise.all([write(group, [item(1)]), write(group, [item(2)])]);
    expect(a.error?.message).toBe('EIO: fdatasync');
    expect(b.error?.message).toBe('EIO: fdatasync');
    expect(a.ids).toEqual([]);
    sqlite.close();
  });
});
