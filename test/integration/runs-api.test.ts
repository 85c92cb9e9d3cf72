import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idAt } from '@/test/support/db';
import { createApiUser, hookPath, type ApiClient } from '../support/api';
import { startSink, type Sink } from '../support/sink';
import { runCli, startServer, waitFor, type TestServer } from '../support/server';

let server: TestServer;
let sink: Sink;
let alice: ApiClient;
let bob: ApiClient;
let hook: { id: string; url: string };
let automation: { id: string };
let sinkStatus = 200;

async function send(body: unknown): Promise<string> {
  const res = await fetch(`${server.url}${hookPath(hook)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

/** The run of an event once it reached a final status. */
async function finishedRunOf(eventId: string, client = alice) {
  return waitFor(
    async () => {
      const { items } = await client.ok('GET', `/api/v1/runs?eventId=${eventId}`);
      return items.length === 1 && ['succeeded', 'failed', 'filtered'].includes(items[0].status)
        ? items[0]
        : null;
    },
    { what: `the run of ${eventId} to finish` },
  );
}

beforeAll(async () => {
  sink = await startSink();
  sink.respond = () => ({
    status: sinkStatus,
    body: sinkStatus === 200 ? '{"ok":true}' : '{"error":"nope"}',
  });
  server = await startServer();
  alice = await createApiUser(server, 'alice@example.com');
  bob = await createApiUser(server, 'bob@example.com');
  hook = await alice.ok('POST', '/api/v1/hooks', { name: 'orders', rateLimit: null });
  automation = await alice.ok('POST', '/api/v1/automations', {
    name: 'forward orders',
    trigger: { type: 'webhook', hookId: hook.id },
    actions: [{ name: 'sink', method: 'POST', url: `${sink.url}/in`, retry: { maxAttempts: 3 } }],
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await sink?.close();
});

describe('GET /api/v1/runs', () => {
  const events: string[] = [];

  beforeAll(async () => {
    for (const word of ['alpha', 'bravo', 'charlie'])
      events.push(await send({ order: { note: `${word} order` } }));
    for (const id of events) await finishedRunOf(id);
  });

  it('lists runs newest first with keyset pagination', async () => {
    const first = await alice.ok('GET', '/api/v1/runs?limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.items.map((r: { eventId: string }) => r.eventId)).toEqual([events[2], events[1]]);
    expect(first.items[0]).toMatchObject({
      automationId: automation.id,
      automationName: 'forward orders',
      hookId: hook.id,
      status: 'succeeded',
      attempts: 1,
    });
    expect(typeof first.nextCursor).toBe('string');
    const second = await alice.ok('GET', `/api/v1/runs?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((r: { eventId: string }) => r.eventId)).toEqual([events[0]]);
    expect(second.nextCursor).toBeNull();
  });

  it('filters by status, automation, hook and event, and validates them', async () => {
    expect((await alice.ok('GET', '/api/v1/runs?status=succeeded')).items).toHaveLength(3);
    expect((await alice.ok('GET', '/api/v1/runs?status=failed')).items).toHaveLength(0);
    expect((await alice.ok('GET', `/api/v1/runs?automationId=${automation.id}`)).items).toHaveLength(3);
    expect((await alice.ok('GET', `/api/v1/runs?hookId=${hook.id}`)).items).toHaveLength(3);
    expect((await alice.ok('GET', '/api/v1/runs?automationId=aut_nope')).items).toHaveLength(0);
    expect((await alice.ok('GET', `/api/v1/runs?eventId=${events[1]}`)).items).toHaveLength(1);
    expect((await alice.ok('GET', `/api/v1/runs?from=${Date.now() + 60_000}`)).items).toHaveLength(0);
    const bad = await alice.call('GET', '/api/v1/runs?status=done');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/status/);
  });

  it('finds a run by a word in its event body', async () => {
    const found = await alice.ok('GET', '/api/v1/runs?q=bravo');
    expect(found.items.map((r: { eventId: string }) => r.eventId)).toEqual([events[1]]);
    expect((await alice.ok('GET', '/api/v1/runs?q=zulu')).items).toHaveLength(0);
  });

  it('returns the run with its steps and attempts in the documented shape', async () => {
    const [run] = (await alice.ok('GET', `/api/v1/runs?eventId=${events[0]}`)).items;
    const detail = await alice.ok('GET', `/api/v1/runs/${run.id}`);
    expect(detail).toMatchObject({
      id: run.id,
      automationId: automation.id,
      automationVersion: 1,
      eventId: events[0],
      status: 'succeeded',
      error: null,
      steps: [
        {
          action: 'sink',
          status: 'succeeded',
          error: null,
          attempts: [
            {
              n: 1,
              request: { method: 'POST', url: `${sink.url}/in` },
              response: { status: 200, body: '{"ok":true}' },
              error: null,
              nextRetryAt: null,
            },
          ],
        },
      ],
    });
    expect(typeof detail.createdAt).toBe('number');
    expect(typeof detail.finishedAt).toBe('number');
    const attempt = detail.steps[0].attempts[0];
    expect(typeof attempt.startedAt).toBe('number');
    expect(typeof attempt.durationMs).toBe('number');
    expect(JSON.parse(attempt.request.body)).toEqual({ order: { note: 'alpha order' } });
    expect(attempt.request.headers['webhook-id']).toBe(`${run.id}_0`);
  });

  it('hides another user’s runs', async () => {
    const [run] = (await alice.ok('GET', '/api/v1/runs?limit=1')).items;
    expect((await bob.call('GET', `/api/v1/runs/${run.id}`)).status).toBe(404);
    expect((await bob.call('POST', `/api/v1/runs/${run.id}/retry`)).status).toBe(404);
    expect((await bob.ok('GET', '/api/v1/runs')).items).toHaveLength(0);
    expect((await bob.ok('GET', '/api/v1/runs?q=bravo')).items).toHaveLength(0);
    expect((await alice.call('GET', '/api/v1/runs/run_unknown')).status).toBe(404);
  });
});

describe('POST /api/v1/runs/:id/retry', () => {
  it('retries a failed run after the destination is fixed, keeping the earlier attempt', async () => {
    sinkStatus = 400;
    const eventId = await send({ order: { note: 'retry me' } });
    const failed = await finishedRunOf(eventId);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });

    const [succeededRun] = (await alice.ok('GET', '/api/v1/runs?status=succeeded&limit=1')).items;
    const refused = await alice.call('POST', `/api/v1/runs/${succeededRun.id}/retry`);
    expect(refused.status).toBe(400);

    sinkStatus = 200;
    const accepted = await alice.call('POST', `/api/v1/runs/${failed.id}/retry`);
    expect(accepted.status).toBe(202);
    const done = await finishedRunOf(eventId);
    expect(done).toMatchObject({ id: failed.id, status: 'succeeded', attempts: 2 });
    const detail = await alice.ok('GET', `/api/v1/runs/${failed.id}`);
    expect(
      detail.steps[0].attempts.map((a: { n: number; response: { status: number } }) => [
        a.n,
        a.response.status,
      ]),
    ).toEqual([
      [1, 400],
      [2, 200],
    ]);
  });
});

describe('prune', () => {
  it('deletes events past the retention period with their runs and search entries', async () => {
    const eventId = await send({ order: { note: 'ancient xylophone' } });
    const run = await finishedRunOf(eventId);
    expect((await alice.ok('GET', '/api/v1/runs?q=xylophone')).items).toHaveLength(1);
    const db = new Database(server.dbPath);
    let oldId = '';
    try {
      db.pragma('busy_timeout = 5000');
      // 40 days old: pruning goes by id (ids sort by creation time, lib/retention.ts), so the event gets an id of then.
      const receivedAt = Date.now() - 40 * 86_400_000;
      oldId = idAt('evt', receivedAt);
      db.transaction(() => {
        db.pragma('defer_foreign_keys = ON'); // the event and its runs agree again at the commit
        db.prepare(`update events set id = ?, received_at = ? where id = ?`).run(oldId, receivedAt, eventId);
        db.prepare(`update runs set event_id = ? where event_id = ?`).run(oldId, eventId);
      })();
    } finally {
      db.close();
    }
    const result = await runCli(['prune', '--days', '30'], { DATABASE_URL: `file:${server.dbPath}` });
    expect(result.code).toBe(0);
    expect((await alice.call('GET', `/api/v1/runs/${run.id}`)).status).toBe(404);
    expect((await alice.ok('GET', `/api/v1/runs?eventId=${oldId}`)).items).toHaveLength(0);
    expect((await alice.ok('GET', '/api/v1/runs?q=xylophone')).items).toHaveLength(0);
    expect((await alice.ok('GET', '/api/v1/runs?q=bravo')).items).toHaveLength(1);
  });
});
