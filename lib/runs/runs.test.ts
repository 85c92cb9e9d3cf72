import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDbHandle } from '@/db/client';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { newId } from '@/lib/ids';
import { pruneHistory } from '@/lib/retention';
import { idAt, useTempDatabase } from '@/test/support/db';
import { listAutomations } from '@/lib/automations/automations';
import { getDashboard } from './dashboard';
import { getRunDetail, toApiRun } from './detail';
import { idFloor } from './id-time';
import {
  countRuns,
  listRuns,
  newestRuns,
  perStatusIndex,
  statusTerm,
  toFtsQuery,
  type RunListQuery,
} from './query';
import { searchReader } from './search-index';
import { bulkRetry, retryRun } from './retry';

let cleanup: () => void;
const alice = { id: 'usr_alice', role: 'member' as const };
const bob = { id: 'usr_bob', role: 'member' as const };

function sqlite() {
  return getDbHandle().sqlite;
}

function insertUser(id: string) {
  sqlite()
    .prepare(`insert into users (id, email, password_hash, created_at, updated_at) values (?, ?, 'x', 0, 0)`)
    .run(id, `${id}@example.com`);
}

function insertHook(userId: string, name: string): string {
  const id = newId('hk');
  sqlite()
    .prepare(
      `insert into hooks (id, user_id, name, token, allowed_methods, verification, allowed_ips, max_body_bytes, created_at, updated_at)
       values (?, ?, ?, ?, '["POST"]', '{"scheme":"none"}', '[]', 1000, 0, 0)`,
    )
    .run(id, userId, name, newId('tok'));
  return id;
}

function insertAutomation(userId: string, name: string, hookId: string): string {
  const id = newId('aut');
  sqlite()
    .prepare(
      `insert into automations (id, user_id, name, trigger_type, hook_id, trigger, actions, created_at, updated_at)
       values (?, ?, ?, 'webhook', ?, ?, '[]', 0, 0)`,
    )
    .run(id, userId, name, hookId, JSON.stringify({ type: 'webhook', hookId }));
  return id;
}

/** An event as ingest stores it; one received in the past gets an id of that time, as ids sort by creation time. */
function insertEvent(userId: string, hookId: string, body: unknown, receivedAt?: number): string {
  const id = receivedAt === undefined ? newId('evt') : idAt('evt', receivedAt);
  receivedAt ??= Date.now();
  const text = JSON.stringify(body);
  sqlite()
    .prepare(
      `insert into events (id, user_id, hook_id, source, outcome, method, body_raw, body_kind, body_parsed, received_at)
       values (?, ?, ?, 'webhook', 'accepted', 'POST', ?, 'json', ?, ?)`,
    )
    .run(id, userId, hookId, Buffer.from(text), text, receivedAt);
  return id;
}

function insertRun(
  userId: string,
  automationId: string,
  eventId: string,
  hookId: string,
  status: string,
  createdAt = Date.now(),
): string {
  const id = newId('run');
  sqlite()
    .prepare(
      `insert into runs (id, user_id, automation_id, automation_version, event_id, hook_id, trigger_type, status, filter_result, attempt_count, created_at, started_at, finished_at)
       values (?, ?, ?, 1, ?, ?, 'webhook', ?, 1, 1, ?, ?, ?)`,
    )
    .run(id, userId, automationId, eventId, hookId, status, createdAt, createdAt, createdAt + 120);
  return id;
}

function insertFailedStep(runId: string) {
  const db = sqlite();
  db.prepare(
    `insert into steps (id, run_id, idx, action_name, status, request, error, started_at, finished_at)
     values (?, ?, 0, 'Send', 'failed', ?, 'Destination answered 400', 1, 2)`,
  ).run(
    newId('stp'),
    runId,
    JSON.stringify({ method: 'POST', url: 'https://example.com/x', headers: {}, body: '{}' }),
  );
  db.prepare(
    `insert into attempts (id, run_id, step_index, n, started_at, duration_ms, host, request, response, error)
     values (?, ?, 0, 1, ?, 42, 'example.com', ?, ?, 'Destination answered 400')`,
  ).run(
    newId('att'),
    runId,
    Date.now(),
    JSON.stringify({
      method: 'POST',
      url: 'https://example.com/x',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }),
    JSON.stringify({ status: 400, headers: {}, body: 'bad', bodyEncoding: 'utf8', truncated: false }),
  );
}

/** Every run a list query pages through, following its cursor to the end. */
function statusOf(runId: string): string | undefined {
  return sqlite().prepare(`select status from runs where id = ?`).pluck().get(runId) as string | undefined;
}

function allPages(user: { id: string }, query: RunListQuery): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = listRuns(user, { ...query, cursor });
    ids.push(...page.items.map((r) => r.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

let hookA: string;
let autoA: string;
let autoB: string;
const runIds: string[] = [];
let failedRun: string;
let searchEvent: string;

beforeAll(() => {
  ({ cleanup } = useTempDatabase());
  insertUser(alice.id);
  insertUser(bob.id);
  hookA = insertHook(alice.id, 'Stripe');
  autoA = insertAutomation(alice.id, 'Forward orders', hookA);
  autoB = insertAutomation(alice.id, 'Notify Slack', hookA);
  for (let i = 0; i < 7; i++) {
    const e = insertEvent(alice.id, hookA, { type: 'order.created', n: i });
    runIds.push(insertRun(alice.id, i % 2 ? autoB : autoA, e, hookA, i === 3 ? 'failed' : 'succeeded'));
  }
  failedRun = runIds[3]!;
  insertFailedStep(failedRun);
  searchEvent = insertEvent(alice.id, hookA, { customer: { name: 'Zanzibar Quokka' } });
  runIds.push(insertRun(alice.id, autoA, searchEvent, hookA, 'succeeded'));
  runIds.push(insertRun(alice.id, autoB, searchEvent, hookA, 'succeeded'));
  const bobHook = insertHook(bob.id, 'Bob');
  const bobAuto = insertAutomation(bob.id, 'Bob automation', bobHook);
  insertRun(
    bob.id,
    bobAuto,
    insertEvent(bob.id, bobHook, { customer: { name: 'Zanzibar' } }),
    bobHook,
    'failed',
  );
});
afterAll(() => cleanup());

describe('listRuns', () => {
  it('lists the user’s runs newest first with names, and pages with the cursor', () => {
    const first = listRuns(alice, { limit: 4 });
    expect(first.items.map((r) => r.id)).toEqual([...runIds].reverse().slice(0, 4));
    expect(first.items[0]).toMatchObject({ automationName: 'Notify Slack', hookName: 'Stripe', attempts: 1 });
    expect(first.items[0]!.durationMs).toBe(120);
    expect(first.nextCursor).toBe(first.items[3]!.id);
    expect(allPages(alice, { limit: 4 })).toEqual([...runIds].reverse());
  });

  it('merges the statuses into one newest-first order, page by page', () => {
    const carol = { id: 'usr_carol' };
    insertUser(carol.id);
    const hook = insertHook(carol.id, 'Carol');
    const automation = insertAutomation(carol.id, 'Carol automation', hook);
    const statuses = ['queued', 'failed', 'succeeded', 'running', 'filtered', 'retrying'];
    const ids = Array.from({ length: 14 }, (_, i) =>
      insertRun(carol.id, automation, insertEvent(carol.id, hook, { i }), hook, statuses[(i * 5) % 6]!),
    );
    const newestFirst = [...ids].reverse();
    for (const limit of [1, 2, 3, 5]) expect(allPages(carol, { limit })).toEqual(newestFirst);
    expect(listRuns(carol, { after: ids[9] }).items.map((r) => r.id)).toEqual(newestFirst.slice(0, 4));
    expect(countRuns(carol, {})).toEqual({ count: 14, capped: false });

    // The same, for one automation among others.
    const other = insertAutomation(carol.id, 'Other', hook);
    insertRun(carol.id, other, insertEvent(carol.id, hook, {}), hook, 'succeeded');
    expect(allPages(carol, { automationId: automation, limit: 4 })).toEqual(newestFirst);

    // The automations list shows each one's newest run, whatever its status.
    insertRun(carol.id, automation, insertEvent(carol.id, hook, {}), hook, 'retrying', 1234);
    const list = listAutomations(carol.id).items;
    expect(list.map((a) => [a.row.name, a.lastRun?.status])).toEqual([
      ['Other', 'succeeded'],
      ['Carol automation', 'retrying'],
    ]);
    expect(list[1]!.lastRun!.createdAt).toBe(new Date(1234).toISOString());

    // Queued runs have an index of their own (db/schema/runs.ts): every read by status still finds each run once.
    const all = allPages(carol, { limit: 50 });
    for (const status of statuses) {
      const expected = all.filter((id) => statusOf(id) === status);
      expect(allPages(carol, { status: status as RunListQuery['status'], limit: 2 })).toEqual(expected);
      expect(countRuns(carol, { status: status as RunListQuery['status'] }).count).toBe(expected.length);
    }
    expect(countRuns(carol, { status: 'queued' }).count).toBe(3);
    const pending = getDashboard({ ...carol, role: 'member' }, '24h').totals.pending;
    expect(pending).toBe(
      all.filter((id) => ['queued', 'running', 'retrying'].includes(statusOf(id)!)).length,
    );
    // A queued run that the worker finishes moves from the queued index to the other; the lists follow it.
    const [firstQueued] = allPages(carol, { status: 'queued', limit: 50 });
    sqlite().prepare(`update runs set status = 'succeeded' where id = ?`).run(firstQueued);
    expect(allPages(carol, { status: 'queued', limit: 50 })).not.toContain(firstQueued);
    expect(allPages(carol, { status: 'succeeded', limit: 50 })).toContain(firstQueued);
    expect(allPages(carol, { limit: 3 })).toEqual(all);
    // An automation whose newest run is queued shows it as such.
    insertRun(carol.id, other, insertEvent(carol.id, hook, {}), hook, 'queued');
    expect(listAutomations(carol.id).items[0]!.lastRun?.status).toBe('queued');
  });

  it('reads a page of runs per status through an index when no index holds them in order, never all of them', () => {
    const plan = (q: Parameters<typeof perStatusIndex>[0], where: string) =>
      (
        sqlite()
          .prepare(`explain query plan ${newestRuns(where, perStatusIndex(q))}`)
          .all({ userId: alice.id, automationId: autoA, hookId: hookA, cursor: 'run_z', limit: 4 }) as {
          detail: string;
        }[]
      ).map((r) => r.detail);
    const searches = (detail: string[]) => detail.filter((d) => d.startsWith('SEARCH r USING'));

    // Queued runs from their own indexes (db/schema/runs.ts), the other five statuses from the partial ones.
    const mine = plan({}, 'r.user_id = @userId and r.id < @cursor');
    expect(searches(mine)).toEqual([
      'SEARCH r USING INDEX runs_queued_idx (user_id=? AND id<?)',
      ...Array(5).fill('SEARCH r USING INDEX runs_user_status_idx (user_id=? AND status=? AND id<?)'),
    ]);
    expect(mine.filter((d) => /^SCAN r\b/.test(d))).toEqual([]);

    const where = 'r.user_id = @userId and r.automation_id = @automationId';
    expect(searches(plan({ automationId: autoA }, where))).toEqual([
      'SEARCH r USING INDEX runs_queued_automation_idx (automation_id=?)',
      ...Array(5).fill('SEARCH r USING INDEX runs_automation_status_idx (automation_id=? AND status=?)'),
    ]);
    // Filtered by one status, that status's index reads them in order.
    expect(plan({ status: 'queued' }, `r.user_id = @userId and ${statusTerm('queued')}`)).toEqual([
      'SEARCH r USING INDEX runs_queued_idx (user_id=?)',
    ]);
    expect(plan({ status: 'failed' }, `r.user_id = @userId and ${statusTerm('failed')}`)).toEqual([
      'SEARCH r USING INDEX runs_user_status_idx (user_id=? AND status=?)',
    ]);
    // The status is a literal in the SQL: only a known one gets there.
    expect(() => statusTerm("failed' or 1=1 --" as 'failed')).toThrow(ValidationError);
    // With a hook too, the hook's index reads them in order.
    expect(plan({ automationId: autoA, hookId: hookA }, `${where} and r.hook_id = @hookId`)).toEqual([
      'SEARCH r USING INDEX runs_hook_idx (hook_id=?)',
    ]);
  });

  it('filters by status, automation, event and time', () => {
    expect(listRuns(alice, { status: 'failed' }).items.map((r) => r.id)).toEqual([failedRun]);
    expect(listRuns(alice, { automationId: autoB }).items.every((r) => r.automationId === autoB)).toBe(true);
    expect(listRuns(alice, { eventId: searchEvent }).items).toHaveLength(2);
    expect(listRuns(alice, { from: Date.now() + 60_000 }).items).toHaveLength(0);
    expect(listRuns(alice, { to: Date.now() - 60_000 }).items).toHaveLength(0);
    expect(countRuns(alice, { status: 'succeeded' })).toEqual({ count: 8, capped: false });
  });

  it('searches event bodies, only among the user’s own events', () => {
    const found = listRuns(alice, { q: 'zanzibar' });
    expect(found.items.map((r) => r.eventId)).toEqual([searchEvent, searchEvent]);
    expect(listRuns(alice, { q: 'quok*' }).items).toHaveLength(2);
    expect(listRuns(alice, { q: 'zanzibar nowhere' }).items).toHaveLength(0);
    expect(listRuns(alice, { q: 'order.created' }).items).toHaveLength(7);
    expect(listRuns(bob, { q: 'quokka' }).items).toHaveLength(0);
    // Pages end on an event boundary: an event's two runs are never split.
    const page = listRuns(alice, { q: 'zanzibar', limit: 1 });
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
    expect(listRuns(alice, { q: 'zanzibar', limit: 1, cursor: page.nextCursor! }).items).toHaveLength(0);
    expect(() => listRuns(alice, { q: 'x', cursor: 'run_abc' })).toThrow(ValidationError);
  });

  it('makes typed text safe for FTS5', () => {
    expect(toFtsQuery('a"b OR (c')).toBe('"a""b" "OR" "(c"');
    expect(toFtsQuery('  ** ()  ')).toBeNull();
    expect(toFtsQuery('pay*')).toBe('"pay"*');
  });

  it('maps a time to an id bound', () => {
    const now = Date.now();
    const id = newId('run');
    expect(id >= idFloor('run', now - 1)).toBe(true);
    expect(id < idFloor('run', now + 10)).toBe(true);
  });
});

describe('getRunDetail', () => {
  it('returns the DESIGN.md shape with attempts, and hides other users’ runs', () => {
    const api = toApiRun(getRunDetail(alice, failedRun));
    expect(api).toMatchObject({
      id: failedRun,
      automationId: autoB,
      status: 'failed',
      steps: [
        {
          action: 'Send',
          status: 'failed',
          attempts: [
            {
              n: 1,
              durationMs: 42,
              request: { method: 'POST', url: 'https://example.com/x' },
              response: { status: 400, headers: {}, body: 'bad' },
              nextRetryAt: null,
            },
          ],
        },
      ],
    });
    expect(() => getRunDetail(bob, failedRun)).toThrow(NotFoundError);
  });
});

describe('retryRun', () => {
  it('requeues a failed run with a fresh budget and refuses final runs', () => {
    expect(() => retryRun(alice, runIds[0]!)).toThrow(ValidationError);
    expect(() => retryRun(bob, failedRun)).toThrow(NotFoundError);
    retryRun(alice, failedRun);
    const run = sqlite().prepare(`select status, error from runs where id = ?`).get(failedRun);
    expect(run).toEqual({ status: 'retrying', error: null });
    const step = sqlite().prepare(`select status, attempt_base from steps where run_id = ?`).get(failedRun);
    expect(step).toEqual({ status: 'pending', attempt_base: 1 });
    const jobs = sqlite().prepare(`select due_at from jobs where run_id = ?`).all(failedRun) as {
      due_at: number;
    }[];
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.due_at).toBeLessThanOrEqual(Date.now());
    // A retrying run: its job is moved to now, no second job.
    sqlite()
      .prepare(`update jobs set due_at = ? where run_id = ?`)
      .run(Date.now() + 3_600_000, failedRun);
    retryRun(alice, failedRun);
    const again = sqlite().prepare(`select due_at from jobs where run_id = ?`).all(failedRun) as {
      due_at: number;
    }[];
    expect(again).toHaveLength(1);
    expect(again[0]!.due_at).toBeLessThanOrEqual(Date.now());
  });

  it('bulk-retries the failed runs matching a filter, batch by batch', () => {
    sqlite()
      .prepare(`update runs set status = 'failed' where user_id = ? and automation_id = ?`)
      .run(alice.id, autoB);
    const before = countRuns(alice, { status: 'failed', automationId: autoB }).count;
    expect(before).toBeGreaterThan(1);
    const result = bulkRetry(alice, { automationId: autoB });
    expect(result).toEqual({ retried: before, nextCursor: null });
    expect(countRuns(alice, { status: 'failed', automationId: autoB }).count).toBe(0);
    expect(countRuns(bob, { status: 'failed' }).count).toBe(1);
  });
});

describe('dashboard and prune', () => {
  it('counts runs by hour and status', () => {
    const d = getDashboard(alice, '24h');
    expect(d.buckets).toHaveLength(24);
    expect(d.totals.runs).toBe(runIds.length);
    expect(d.totals.events).toBe(8);
    expect(d.latency.samples).toBe(1);
    expect(d.latency.p50).toBe(42);
    expect(d.hasActivity).toBe(true);
  });

  it('prunes old events with their runs and their search index entries', async () => {
    const old = insertEvent(alice.id, hookA, { word: 'ancientword' }, Date.now() - 40 * 86_400_000);
    insertRun(alice.id, autoA, old, hookA, 'succeeded', Date.now() - 40 * 86_400_000);
    const recent = insertEvent(alice.id, hookA, { word: 'recentword' }, Date.now() - 29 * 86_400_000);
    expect(listRuns(alice, { q: 'ancientword' }).items).toHaveLength(1);
    const result = await pruneHistory({ days: 30 });
    expect(result.events).toBe(1);
    expect(listRuns(alice, { eventId: old }).items).toHaveLength(0);
    expect(sqlite().prepare(`select id from events where id in (?, ?)`).pluck().all(old, recent)).toEqual([
      recent,
    ]);
    // The delete reaches the index (its own file) with the next pass, or the next search's catch-up.
    expect(listRuns(alice, { q: 'ancientword' }).items).toHaveLength(0);
    const fts = searchReader(sqlite())
      .prepare(`select count(*) as n from search.events_fts where events_fts match '"ancientword"'`)
      .get();
    expect(fts).toEqual({ n: 0 });
  });
});
