import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiUser, hookPath, type ApiClient } from '../support/api';
import { startSink, type Sink } from '../support/sink';
import { startServer, waitFor, type TestServer } from '../support/server';

// Per-destination controls against the real server and worker: a rate limit holds under a burst, and a paused
// destination holds its jobs until resumed, then gets them all in order.

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  // The worker (on its own thread) never polls for work in these tests: every delivery, retry and resumed
  // destination must reach it as a wake-up or change notice from the thread that committed it.
  server = await startServer({ env: { HOOKLINE_WORKER_POLL_MS: '600000' } });
  api = await createApiUser(server, 'destinations@example.com');
});
afterAll(async () => {
  await server?.stop();
});

function readDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(server.dbPath, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

async function automationTo(name: string, url: string) {
  const hook = await api.ok('POST', '/api/v1/hooks', { name });
  const automation = await api.ok('POST', '/api/v1/automations', {
    name,
    trigger: { type: 'webhook', hookId: hook.id },
    actions: [{ name: 'deliver', method: 'POST', url }],
  });
  return { hook, automation };
}

async function send(hook: { url: string }, body: unknown) {
  const res = await fetch(`${server.url}${hookPath(hook)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
}

function hostOf(sink: Sink): string {
  return new URL(sink.url).host;
}

describe('rate limit', () => {
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('holds 5 requests per second (±20 %) under a burst of 100 events, with nothing failed', async () => {
    const { hook, automation } = await automationTo('rate limited', `${sink.url}/rl`);
    const updated = await api.ok('PATCH', `/api/v1/destinations/${encodeURIComponent(hostOf(sink))}`, {
      maxPerSecond: 5,
    });
    expect(updated.maxPerSecond).toBe(5);

    await Promise.all(Array.from({ length: 100 }, (_, i) => send(hook, { i })));
    await waitFor(() => sink.requests.length >= 100, { timeoutMs: 40_000, what: '100 deliveries' });

    const times = sink.requests.map((r) => r.at).sort((a, b) => a - b);
    const rate = (times.length - 1) / ((times.at(-1)! - times[0]) / 1000);
    expect(rate).toBeGreaterThan(4);
    expect(rate).toBeLessThan(6);
    // No one-second window holds more than the limit plus the 20 % tolerance.
    let busiest = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= 1000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    expect(busiest).toBeLessThanOrEqual(6);

    const { items } = await api.ok('GET', `/api/v1/runs?automationId=${automation.id}&limit=200`);
    expect(items).toHaveLength(100);
    expect(items.every((r: { status: string }) => r.status === 'succeeded')).toBe(true);
    const attempts = readDb(
      (db) =>
        db
          .prepare(
            `select count(*) as n from attempts a join runs r on r.id = a.run_id where r.automation_id = ?`,
          )
          .get(automation.id) as { n: number },
    );
    expect(attempts.n).toBe(100);
  }, 60_000);
});

describe('pause and resume', () => {
  let paused: Sink;
  let other: Sink;
  beforeAll(async () => {
    paused = await startSink();
    other = await startSink();
  });
  afterAll(async () => {
    await paused?.close();
    await other?.close();
  });

  it('holds jobs while paused and delivers them all, in order, on resume', async () => {
    const a = await automationTo('pausable', `${paused.url}/p`);
    const b = await automationTo('unaffected', `${other.url}/o`);
    const host = encodeURIComponent(hostOf(paused));
    await api.ok('PATCH', `/api/v1/destinations/${host}`, { paused: true, maxConcurrency: 1 });

    for (let i = 0; i < 5; i++) await send(a.hook, { seq: i });
    // The worker picked up every held job (it tags each with its destination) without sending anything …
    await waitFor(
      () =>
        readDb(
          (db) =>
            (
              db
                .prepare(
                  `select count(*) as n from jobs j join runs r on r.id = j.run_id where r.automation_id = ? and j.host = ?`,
                )
                .get(a.automation.id, hostOf(paused)) as { n: number }
            ).n === 5,
        ),
      { what: 'held jobs' },
    );
    // … and time passed: a later event to another destination was delivered meanwhile.
    await send(b.hook, { other: true });
    await waitFor(() => other.requests.length === 1, { what: 'other destination' });
    expect(paused.requests).toHaveLength(0);

    const listed = (await api.ok('GET', '/api/v1/destinations')).items.find(
      (d: { host: string }) => d.host === hostOf(paused),
    );
    expect(listed).toMatchObject({ paused: true, maxConcurrency: 1, volume24h: 0 });

    await api.ok('PATCH', `/api/v1/destinations/${host}`, { paused: false });
    await waitFor(() => paused.requests.length === 5, { what: 'resumed deliveries' });
    expect(paused.requests.map((r) => JSON.parse(r.body.toString()).seq)).toEqual([0, 1, 2, 3, 4]);
    await waitFor(
      async () =>
        (await api.ok('GET', `/api/v1/runs?automationId=${a.automation.id}&status=succeeded`)).items
          .length === 5,
      { what: 'runs succeeded' },
    );
    const after = await api.ok('GET', `/api/v1/destinations/${host}`);
    expect(after).toMatchObject({ paused: false, volume24h: 5, successRate: 1 });
  });

  it('refuses a host the user does not call', async () => {
    const stranger = await createApiUser(server, 'stranger-dest@example.com');
    const res = await stranger.call('PATCH', `/api/v1/destinations/${encodeURIComponent(hostOf(paused))}`, {
      paused: true,
    });
    expect(res.status).toBe(404);
  });
});
