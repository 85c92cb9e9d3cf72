import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '@/lib/signatures';
import { createApiUser, hookPath, type ApiClient } from '../support/api';
import { startSink, type Sink } from '../support/sink';
import { startServer, waitFor, type TestServer } from '../support/server';

let server: TestServer;
let api: ApiClient;
let sink: Sink;

beforeAll(async () => {
  // The worker (on its own thread) never polls for work in these tests: every delivery, retry and resumed
  // destination must reach it as a wake-up or change notice from the thread that committed it.
  server = await startServer({ env: { HOOKLINE_WORKER_POLL_MS: '600000' } });
  api = await createApiUser(server, 'delivery@example.com');
  sink = await startSink();
});
afterAll(async () => {
  await server?.stop();
  await sink?.close();
});

interface RunRow {
  id: string;
  status: string;
  error: string | null;
  attempt_count: number;
}
interface AttemptRow {
  n: number;
  started_at: number;
  duration_ms: number;
  response: string | null;
  error: string | null;
  next_retry_at: number | null;
}

function readDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(server.dbPath, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

async function setup(action: Record<string, unknown>, path: string) {
  const hook = await api.ok('POST', '/api/v1/hooks', { name: `d ${path}` });
  await api.ok('POST', '/api/v1/automations', {
    name: `d ${path}`,
    trigger: { type: 'webhook', hookId: hook.id },
    actions: [{ name: 'deliver', method: 'POST', url: `${sink.url}${path}`, ...action }],
  });
  return hook;
}

async function sendAndWait(hook: { url: string }, body: unknown, final = ['succeeded', 'failed']) {
  const res = await fetch(`${server.url}${hookPath(hook)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  const { id } = await res.json();
  const run = await waitFor(
    () => readDb((db) => db.prepare(`select * from runs where event_id = ?`).get(id) as RunRow | undefined),
    { what: 'run created' },
  );
  const done = await waitFor(
    () =>
      readDb((db) => {
        const r = db.prepare(`select * from runs where id = ?`).get(run.id) as RunRow;
        return final.includes(r.status) ? r : null;
      }),
    { timeoutMs: 30_000, what: `run ${final.join('/')}` },
  );
  const attempts = readDb(
    (db) => db.prepare(`select * from attempts where run_id = ? order by n`).all(run.id) as AttemptRow[],
  );
  return { run: done, attempts };
}

function requestsTo(path: string) {
  return sink.requests.filter((r) => r.url.startsWith(path));
}

describe('delivery and retries', () => {
  it('503 twice then 200 → 3 attempts and success; webhook-id is stable across retries', async () => {
    const hook = await setup({}, '/flaky');
    sink.respond = (req) => {
      if (!req.url.startsWith('/flaky')) return { status: 200 };
      return requestsTo('/flaky').length <= 2 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' };
    };
    const { run, attempts } = await sendAndWait(hook, { order: 1 });
    expect(run.status).toBe('succeeded');
    expect(attempts.map((a) => JSON.parse(a.response!).status)).toEqual([503, 503, 200]);
    // Backoff: ~1 s then ~5 s (±20 %).
    expect(attempts[0].next_retry_at! - attempts[0].started_at).toBeGreaterThanOrEqual(750);
    const ids = new Set(requestsTo('/flaky').map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
  }, 30_000);

  it('400 → one attempt and the run fails at once', async () => {
    const hook = await setup({}, '/bad');
    sink.respond = (req) => (req.url.startsWith('/bad') ? { status: 400, body: 'nope' } : { status: 200 });
    const { run, attempts } = await sendAndWait(hook, { order: 2 });
    expect(run.status).toBe('failed');
    expect(attempts).toHaveLength(1);
    expect(run.error).toContain('400');
  });

  it('a timeout is recorded as such and retried up to maxAttempts', async () => {
    const hook = await setup({ timeoutMs: 300, retry: { maxAttempts: 2 } }, '/slow');
    sink.respond = (req) => (req.url.startsWith('/slow') ? 'hang' : { status: 200 });
    const { run, attempts } = await sendAndWait(hook, { order: 3 });
    expect(run.status).toBe('failed');
    expect(attempts).toHaveLength(2);
    for (const a of attempts) expect(a.error).toMatch(/timed out|timeout/i);
  }, 30_000);

  it('429 with Retry-After is honoured', async () => {
    const hook = await setup({}, '/limited');
    sink.respond = (req) => {
      if (!req.url.startsWith('/limited')) return { status: 200 };
      return requestsTo('/limited').length === 1
        ? { status: 429, headers: { 'retry-after': '2' } }
        : { status: 200 };
    };
    const { run, attempts } = await sendAndWait(hook, { order: 4 });
    expect(run.status).toBe('succeeded');
    expect(attempts).toHaveLength(2);
    const planned = attempts[0].next_retry_at! - attempts[0].started_at - attempts[0].duration_ms;
    expect(planned).toBeGreaterThanOrEqual(1900);
    expect(planned).toBeLessThan(2600);
    const [first, second] = requestsTo('/limited');
    expect(second.at - first.at).toBeGreaterThanOrEqual(1900);
  }, 30_000);

  it('signs with Standard Webhooks when the action has a signing secret', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const hook = await setup({ signingSecret: secret, body: '{"id": id}' }, '/signed');
    sink.respond = () => ({ status: 204 });
    const { run } = await sendAndWait(hook, { id: 'ord_1' });
    expect(run.status).toBe('succeeded');
    const [req] = requestsTo('/signed');
    expect(req.body.toString()).toBe('{"id":"ord_1"}');
    const verified = verifySignature(
      { scheme: 'standard-webhooks', secrets: [secret] },
      req.headers,
      req.body,
    );
    expect(verified).toEqual({ ok: true, scheme: 'standard-webhooks' });
  });

  it('forwards the received body unchanged when the action has no body mapping', async () => {
    const hook = await setup({ body: null }, '/relay');
    sink.respond = () => ({ status: 200 });
    const raw = '{"spaces" :  true,\n "keep": "exact"}';
    const res = await fetch(`${server.url}${hookPath(hook)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    expect(res.status).toBe(202);
    const req = await waitFor(() => requestsTo('/relay')[0]);
    expect(req.body.toString()).toBe(raw);
    expect(req.headers['content-type']).toBe('application/json');
  });

  it('a slow delivery shows its run as running; a quick one records its start without that write', async () => {
    const quick = await setup({}, '/quick');
    sink.respond = (req) => (req.url.startsWith('/held') ? 'hang' : { status: 200 });
    const { run } = await sendAndWait(quick, { order: 5 });
    expect(run.status).toBe('succeeded');
    const times = readDb(
      (db) =>
        db.prepare(`select started_at, finished_at, filter_result from runs where id = ?`).get(run.id) as {
          started_at: number | null;
          finished_at: number;
          filter_result: number | null;
        },
    );
    expect(times.started_at).not.toBeNull();
    expect(times.started_at).toBeLessThanOrEqual(times.finished_at);
    expect(times.filter_result).toBe(1);

    const held = await setup({ timeoutMs: 3_000, retry: { maxAttempts: 1 } }, '/held');
    const { run: inFlight } = await sendAndWait(held, { order: 6 }, ['running', 'succeeded', 'failed']);
    expect(inFlight.status).toBe('running');
    expect(requestsTo('/held')).toHaveLength(1);
    const failed = await waitFor(
      () =>
        readDb((db) => {
          const r = db.prepare(`select * from runs where id = ?`).get(inFlight.id) as RunRow;
          return r.status === 'failed' ? r : null;
        }),
      { timeoutMs: 10_000, what: 'held run failed' },
    );
    expect(failed.error).toMatch(/timed out|timeout/i);
  }, 30_000);

  it('filter false → run filtered, nothing sent', async () => {
    const hook = await api.ok('POST', '/api/v1/hooks', { name: 'filtered' });
    await api.ok('POST', '/api/v1/automations', {
      name: 'only big',
      trigger: { type: 'webhook', hookId: hook.id },
      filter: 'amount > 100',
      actions: [{ name: 'deliver', method: 'POST', url: `${sink.url}/filtered` }],
    });
    const { run, attempts } = await sendAndWait(hook, { amount: 5 }, ['filtered', 'succeeded', 'failed']);
    expect(run.status).toBe('filtered');
    expect(attempts).toHaveLength(0);
    expect(requestsTo('/filtered')).toHaveLength(0);
  });
});

describe('SSRF guard', () => {
  let guarded: TestServer;
  let guardedApi: ApiClient;
  beforeAll(async () => {
    guarded = await startServer({ env: { HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'false' } });
    guardedApi = await createApiUser(guarded, 'ssrf@example.com');
  });
  afterAll(async () => {
    await guarded?.stop();
  });

  it('refuses loopback and private targets with a reason, without retrying', async () => {
    const hook = await guardedApi.ok('POST', '/api/v1/hooks', { name: 'ssrf' });
    const targets = [
      `${sink.url}/ssrf`,
      'http://2130706433/',
      'http://127.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://169.254.169.254/latest',
    ];
    for (const [i, url] of targets.entries()) {
      await guardedApi.ok('POST', '/api/v1/automations', {
        name: `ssrf ${i}`,
        trigger: { type: 'webhook', hookId: hook.id },
        actions: [{ name: 'target', method: 'GET', url }],
      });
    }
    const res = await fetch(`${guarded.url}${hookPath(hook)}`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const { id } = await res.json();
    const runs = await waitFor(
      () => {
        const d = new Database(guarded.dbPath, { readonly: true });
        try {
          const rows = d.prepare(`select * from runs where event_id = ?`).all(id) as RunRow[];
          return rows.length === targets.length && rows.every((r) => r.status === 'failed') ? rows : null;
        } finally {
          d.close();
        }
      },
      { what: 'all SSRF runs failed' },
    );
    for (const run of runs) {
      expect(run.attempt_count).toBe(1);
      expect(run.error).toMatch(/Refused to connect to \S+ \((loopback|IPv4-mapped|cloud metadata)/);
    }
    expect(requestsTo('/ssrf')).toHaveLength(0);
  });
});
