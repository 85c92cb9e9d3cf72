import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDbHandle } from '@/db/client';
import { claimDueJobs, queueDepth } from '@/lib/delivery/queue';
import { newId } from '@/lib/ids';
import { useTempDatabase } from '@/test/support/db';
import {
  ingestWriterThread,
  stopIngestWriter,
  storeAccepted,
  storeRejected,
  type AcceptedRecord,
} from './store';
import { REJECTED_KEEP_PER_HOOK } from './write-events';

// The real writer thread, on a real SQLite file: what storeAccepted resolves with is committed and flushed.
let cleanup: () => void;
let hookId: string;
let automationId: string;
const userId = 'usr_store';

beforeAll(() => {
  cleanup = useTempDatabase().cleanup;
  const { sqlite } = getDbHandle();
  sqlite
    .prepare(`insert into users (id, email, password_hash, created_at, updated_at) values (?, ?, 'x', 0, 0)`)
    .run(userId, 'store@example.com');
  hookId = newId('hk');
  sqlite
    .prepare(
      `insert into hooks (id, user_id, name, token, allowed_methods, verification, allowed_ips, max_body_bytes, created_at, updated_at)
       values (?, ?, 'h', ?, '["POST"]', '{"scheme":"none"}', '[]', 1000, 0, 0)`,
    )
    .run(hookId, userId, newId('tok'));
  automationId = newId('aut');
  sqlite
    .prepare(
      `insert into automations (id, user_id, name, trigger_type, hook_id, trigger, actions, created_at, updated_at)
       values (?, ?, 'a', 'webhook', ?, ?, '[]', 0, 0)`,
    )
    .run(automationId, userId, hookId, JSON.stringify({ type: 'webhook', hookId }));
});

afterAll(async () => {
  await stopIngestWriter();
  cleanup();
});

function record(body: unknown, dedupeKey: string | null = null): AcceptedRecord {
  const raw = Buffer.from(JSON.stringify(body));
  return {
    hookId,
    userId,
    method: 'POST',
    path: '/h/x',
    query: {},
    headers: { 'content-type': 'application/json' },
    contentType: 'application/json',
    size: raw.length,
    sourceIp: '127.0.0.1',
    verification: 'none',
    receivedAt: Date.now(),
    bodyRaw: raw,
    bodyKind: 'json',
    bodyParsed: body,
    dedupeKey,
  };
}

describe('storeAccepted (writer thread)', () => {
  it('stores requests sent together with a run each and one job per commit for its runs, JSON bodies once', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => storeAccepted(record({ n }))));
    const { sqlite } = getDbHandle();
    for (const [n, r] of results.entries()) {
      expect(r.duplicate).toBe(false);
      if (r.duplicate) continue;
      const row = sqlite
        .prepare(`select body_raw, body_parsed, outcome from events where id = ?`)
        .get(r.id) as {
        body_raw: Buffer;
        body_parsed: string | null;
        outcome: string;
      };
      expect(JSON.parse(row.body_raw.toString())).toEqual({ n });
      expect(row.body_parsed).toBeNull();
      expect(row.outcome).toBe('accepted');
      expect(r.runIds).toHaveLength(1);
      const run = sqlite.prepare(`select automation_id, status from runs where id = ?`).get(r.runIds[0]);
      expect(run).toEqual({ automation_id: automationId, status: 'queued' });
    }
    const runIds = results.flatMap((r) => (r.duplicate ? [] : r.runIds));
    // Each run in exactly one batch, no other job, fewer batches than runs (20 requests sent together share commits).
    expect(sqlite.prepare(`select count(*) from jobs`).pluck().get()).toBe(0);
    const batches = sqlite.prepare(`select run_ids from run_batches`).pluck().all() as string[];
    const batched = batches.flatMap((p) => JSON.parse(p) as string[]);
    expect(batched.sort()).toEqual([...runIds].sort());
    expect(batches.length).toBeLessThan(runIds.length);
    expect(queueDepth(sqlite).due).toBe(runIds.length);
    // A claim turns each batch into a due job per run, and starts none of them.
    expect(claimDueJobs(sqlite, { limit: 100, leaseMs: 60_000 })).toEqual([]);
    const jobOf = sqlite.prepare(`select kind, lease_until from jobs where run_id = ?`);
    for (const id of runIds) expect(jobOf.all(id)).toEqual([{ kind: 'run', lease_until: null }]);
    expect(sqlite.prepare(`select count(*) from run_batches`).pluck().get()).toBe(0);
    expect(queueDepth(sqlite).due).toBe(runIds.length);
  });

  it('hands the writer what was parsed before it writes the answers of a commit', async () => {
    await storeAccepted(record({ warm: 1 })); // the thread is up
    const thread = ingestWriterThread()!;
    const order: string[] = [];
    const post = thread.postMessage.bind(thread);
    thread.postMessage = (message: { items?: unknown[] }) => {
      if (message.items) order.push(`posted ${message.items.length}`);
      post(message);
    };
    let b: Promise<unknown> | null = null;
    // A request parsed in the same turn as the commit's answer arrives, just before it is handled.
    const parsedMeanwhile = () => {
      b ??= storeAccepted(record({ b: 1 })).then(() => order.push('b answered'));
    };
    thread.prependListener('message', parsedMeanwhile);
    try {
      await storeAccepted(record({ a: 1 })).then(() => order.push('a answered'));
      await b;
    } finally {
      thread.off('message', parsedMeanwhile);
      thread.postMessage = post;
    }
    // Not at the end of the turn, after a's answer: the writer, just done with a's commit, would wait for it.
    expect(order).toEqual(['posted 1', 'posted 1', 'a answered', 'b answered']);
  });

  it('answers a duplicate with the first event and starts no run', async () => {
    const first = await storeAccepted(record({ a: 1 }, 'webhook-id:msg_1'));
    const again = await storeAccepted(record({ a: 1 }, 'webhook-id:msg_1'));
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, firstId: first.id });
  });

  it('records a rejected request as metadata only', async () => {
    const { id } = await storeRejected({ ...record({}), rejectStatus: 401, rejectReason: 'Bad signature' });
    const row = getDbHandle()
      .sqlite.prepare(`select outcome, reject_status, body_raw from events where id = ?`)
      .get(id);
    expect(row).toEqual({ outcome: 'rejected', reject_status: 401, body_raw: null });
  });

  it('keeps the newest rejected requests of a hook up to its cap, and its other events', async () => {
    const { sqlite } = getDbHandle();
    const count = (outcome: string) =>
      (
        sqlite
          .prepare(`select count(*) as n from events where hook_id = ? and outcome = ?`)
          .get(hookId, outcome) as { n: number }
      ).n;
    // The trim runs at every 50th rejection the hook ever had (hooks.rejected_count), earlier tests' included.
    const { rejected_count: before } = sqlite
      .prepare(`select rejected_count from hooks where id = ?`)
      .get(hookId) as { rejected_count: number };
    const accepted = count('accepted');
    const flood = REJECTED_KEEP_PER_HOOK + 60 - before;
    const ids = await Promise.all(
      Array.from({ length: flood }, (_, i) =>
        storeRejected({ ...record({}), rejectStatus: 401, rejectReason: `Bad signature ${i}` }).then(
          (r) => r.id,
        ),
      ),
    );
    // 60 past the cap: the last trim (at the 550th) left 500, and 10 came since.
    expect(count('rejected')).toBe(REJECTED_KEEP_PER_HOOK + 10);
    const kept = sqlite
      .prepare(`select id from events where hook_id = ? and outcome = 'rejected' order by id`)
      .all(hookId)
      .map((r) => (r as { id: string }).id);
    expect(kept).toEqual(ids.slice(-kept.length)); // the newest
    expect(count('accepted')).toBe(accepted);
  });

  // The writer looks at the WAL every 64th commit it makes: each of these tests starts a new writer, so its looks come
  // where the test expects them, whatever the commits before (how requests sent together are split into commits
  // depends on timing).
  it('checkpoints by itself once the WAL outgrows the auto-checkpoint size (no checkpointer thread here)', async () => {
    const { path: file, sqlite } = getDbHandle();
    await stopIngestWriter();
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const before = fs.statSync(file).size;
    // 100 commits of 80 KB each: the WAL passes the 1,000-page (4 MB) default within the first 64.
    for (let i = 0; i < 100; i++) await storeAccepted(record({ i, pad: 'x'.repeat(80_000) }));
    expect(fs.statSync(file).size).toBeGreaterThan(before + 4_000_000);
  });

  it('checkpoints again only once the WAL holds that much anew, not because its file stays large', async () => {
    const { path: file, sqlite } = getDbHandle();
    await stopIngestWriter();
    for (let i = 0; i < 70; i++) await storeAccepted(record({ i, pad: 'x'.repeat(80_000) }));
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(4_000_000);
    // Everything checkpointed: the next commit starts the WAL over from its first frame, in the same large file.
    sqlite.pragma('wal_checkpoint(PASSIVE)');
    const dbSize = fs.statSync(file).size;
    // 70 small commits, the writer's 128th among them: a checkpoint would copy their new pages into the database
    // file. Rejections, ~8 WAL frames each, so that 70 stay well below the 1,000 (an accepted event and its run and
    // job are ~17).
    for (let i = 0; i < 70; i++) {
      await storeRejected({ ...record({}), rejectStatus: 401, rejectReason: `Bad signature ${i}` });
    }
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(4_000_000);
    expect(fs.statSync(file).size).toBe(dbSize);
  });

  it('stores the same without the extension that gathers WAL writes (HOOKLINE_WAL_COALESCE=off)', async () => {
    await stopIngestWriter();
    process.env.HOOKLINE_WAL_COALESCE = 'off'; // read by the next writer thread as it starts
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, n) => storeAccepted(record({ off: n }))),
      );
      const { sqlite } = getDbHandle();
      for (const [n, r] of results.entries()) {
        const row = sqlite.prepare(`select body_raw from events where id = ?`).get(r.id) as {
          body_raw: Buffer;
        };
        expect(JSON.parse(row.body_raw.toString())).toEqual({ off: n });
      }
    } finally {
      delete process.env.HOOKLINE_WAL_COALESCE;
      await stopIngestWriter();
    }
  });

  it('starts a new writer after a stop', async () => {
    await stopIngestWriter();
    const r = await storeAccepted(record({ after: 'stop' }));
    expect(r.duplicate).toBe(false);
  });
});
