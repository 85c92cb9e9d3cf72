import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, tempDataDir, tsxArgs, waitFor, type TestServer } from '../support/server';

// Pull triggers through the real server: poll (baseline, new items, errors, restart), schedule (6-field cron,
// disable), silence (fire once, re-arm), and two processes on one database never firing the same tick twice.
// "Nothing more happens" is proven by waiting for later hits of a poll on the local API, never by sleeping.

const ENV = { HOOKLINE_TEST_FAST_TRIGGERS: '1' };

describe('pull triggers', () => {
  const dataDir = tempDataDir();
  let server: TestServer;
  let token: string;
  let db: Database.Database;
  let api: http.Server;
  let apiBase = '';
  const hits: Record<string, number> = {};
  let pollItems: unknown[] = [];
  let errorMode: 'ok' | '500' | 'badjson' | 'notlist' = 'ok';
  let errorItems: unknown[] = [{ id: 1 }];

  function apiCall(p: string, init: { method?: string; body?: unknown } = {}) {
    return fetch(`${server.url}/api/v1${p}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  }

  async function createAutomation(name: string, trigger: Record<string, unknown>): Promise<string> {
    const res = await apiCall('/automations', { body: { name, trigger, actions: [] } });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
  const runCount = (automationId: string) =>
    count(`select count(*) as n from runs where automation_id = ?`, automationId);
  const state = (automationId: string) =>
    db.prepare(`select * from trigger_state where automation_id = ?`).get(automationId) as
      | { baseline_taken: number; last_error: string | null; consecutive_failures: number; armed: number }
      | undefined;

  /** Proves time has passed on the server: the poll automation has hit the API `n` more times. */
  async function laterPolls(n: number) {
    const target = (hits['/poll'] ?? 0) + n;
    await waitFor(() => (hits['/poll'] ?? 0) >= target, { what: `${n} more polls`, timeoutMs: 20_000 });
  }

  beforeAll(async () => {
    api = http.createServer((req, res) => {
      const p = new URL(req.url ?? '/', 'http://x').pathname;
      hits[p] = (hits[p] ?? 0) + 1;
      const send = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      };
      if (p === '/poll') return send(200, JSON.stringify({ data: { items: pollItems } }));
      if (p === '/errors') {
        if (errorMode === '500') return send(500, '{"error":"down"}');
        if (errorMode === 'badjson') return send(200, '{"items": [');
        if (errorMode === 'notlist') return send(200, '{"items": 42}');
        return send(200, JSON.stringify({ items: errorItems }));
      }
      send(404, '{}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiBase = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

    server = await startServer({ dataDir, env: ENV });
    const env = { DATABASE_URL: `file:${server.dbPath}` };
    expect(
      (
        await runCli(
          ['user', 'create', '--email', 'poll@example.com', '--password', 'correct horse battery'],
          env,
        )
      ).code,
    ).toBe(0);
    const created = await runCli(['token', 'create', '--email', 'poll@example.com'], env);
    token = created.stdout.trim().split('\n').at(-1)!;
    db = new Database(server.dbPath, { fileMustExist: true });
  }, 120_000);

  afterAll(async () => {
    db?.close();
    await server?.stop();
    api?.close();
  });

  let pollId = '';

  it('poll: the baseline starts no runs; two new items make exactly two runs, never repeated, even across a restart', async () => {
    pollItems = [
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
    ];
    pollId = await createAutomation('Poll new items', {
      type: 'poll',
      url: `${apiBase}/poll`,
      intervalSeconds: 1,
      items: 'data.items',
      key: 'id',
    });
    await waitFor(() => state(pollId)?.baseline_taken === 1, { what: 'the baseline' });
    await laterPolls(2);
    expect(runCount(pollId)).toBe(0);

    pollItems = [...pollItems, { id: 'c', n: 3 }, { id: 'd', n: 4 }];
    await waitFor(() => runCount(pollId) >= 2, { what: 'two runs' });
    await laterPolls(3);
    expect(runCount(pollId)).toBe(2);
    const bodies = db
      .prepare(`select body_parsed from events where source = 'poll' order by id`)
      .all()
      .map((r) => JSON.parse((r as { body_parsed: string }).body_parsed));
    expect(bodies).toEqual([
      { id: 'c', n: 3 },
      { id: 'd', n: 4 },
    ]);
    const runs = (await (await apiCall(`/runs?automationId=${pollId}`)).json()) as { items: unknown[] };
    expect(runs.items).toHaveLength(2);
    expect(
      count(`select count(*) as n from runs where automation_id = ? and trigger_type = 'poll'`, pollId),
    ).toBe(2);

    // Restart: the seen keys survive, so nothing is fired again.
    await server.stop();
    server = await startServer({ dataDir, env: ENV });
    await laterPolls(3);
    expect(runCount(pollId)).toBe(2);
    pollItems = [{ id: 'e', n: 5 }, ...pollItems];
    await waitFor(() => runCount(pollId) === 3, { what: 'a run for the item added after the restart' });
  }, 90_000);

  it('poll: errors are recorded with backoff and never lose the seen keys; recovery resets them', async () => {
    errorMode = 'ok';
    const id = await createAutomation('Flaky API', {
      type: 'poll',
      url: `${apiBase}/errors`,
      intervalSeconds: 1,
      items: 'items',
      key: 'id',
    });
    await waitFor(() => state(id)?.baseline_taken === 1, { what: 'the baseline' });
    errorMode = '500';
    await waitFor(() => state(id)?.last_error?.includes('HTTP 500'), { what: 'the 500 recorded' });
    errorMode = 'badjson';
    await waitFor(() => state(id)?.last_error?.includes('not valid JSON'), { what: 'invalid JSON recorded' });
    errorMode = 'notlist';
    await waitFor(() => state(id)?.last_error?.includes('items must give a list'), {
      what: 'not a list recorded',
    });
    expect(state(id)!.consecutive_failures).toBe(3);
    const at = db
      .prepare(`select last_error_at, next_fire_at from trigger_state where automation_id = ?`)
      .get(id) as {
      last_error_at: number;
      next_fire_at: number;
    };
    expect(at.next_fire_at - at.last_error_at).toBe(4000); // 1 s × 2^(3 − 1)
    expect(count(`select count(*) as n from poll_seen_keys where automation_id = ?`, id)).toBe(1);

    errorItems = [{ id: 1 }, { id: 2 }];
    errorMode = 'ok';
    await waitFor(() => state(id)?.last_error === null, { what: 'recovery', timeoutMs: 20_000 });
    expect(state(id)!.consecutive_failures).toBe(0);
    await waitFor(() => runCount(id) === 1, { what: 'the one new item' });
  }, 60_000);

  it('schedule: a 6-field cron every 2 s makes runs at the scheduled times and stops when disabled', async () => {
    const id = await createAutomation('Every two seconds', { type: 'schedule', cron: '*/2 * * * * *' });
    await waitFor(() => runCount(id) >= 2, { what: 'two scheduled runs', timeoutMs: 10_000 });
    const res = await apiCall(`/automations/${id}`, { method: 'PATCH', body: { enabled: false } });
    expect(res.status).toBe(200);
    const fired = runCount(id);
    await laterPolls(4); // > 2 s
    expect(runCount(id)).toBe(fired);
    const times = db
      .prepare(
        `select received_at, body_parsed from events where source = 'schedule' and json_extract(meta, '$.automationId') = ?`,
      )
      .all(id) as { received_at: number; body_parsed: string }[];
    expect(times).toHaveLength(fired);
    for (const t of times) {
      expect(t.received_at % 2000).toBe(0);
      expect(JSON.parse(t.body_parsed)).toMatchObject({
        scheduledAt: new Date(t.received_at).toISOString(),
        cron: '*/2 * * * * *',
        timezone: 'UTC',
      });
    }
  }, 30_000);

  it('silence: fires once after the quiet period and re-arms after the next event', async () => {
    const hookRes = await apiCall('/hooks', { body: { name: 'Payment provider' } });
    expect(hookRes.status).toBe(201);
    const hook = (await hookRes.json()) as { id: string; url: string };
    const id = await createAutomation('Provider went quiet', {
      type: 'silence',
      hookId: hook.id,
      afterSeconds: 2,
    });
    const fires = () =>
      count(
        `select count(*) as n from events where source = 'silence' and json_extract(meta, '$.automationId') = ?`,
        id,
      );
    await waitFor(() => fires() === 1, { what: 'the silence fire', timeoutMs: 10_000 });
    await laterPolls(5); // > 2 × afterSeconds
    expect(fires()).toBe(1);
    expect(state(id)!.armed).toBe(0);
    expect(runCount(id)).toBe(1);

    const sent = await fetch(new URL(new URL(hook.url).pathname, server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"status":"paid"}',
    });
    expect(sent.status).toBe(202);
    await waitFor(() => fires() === 2, { what: 'the fire after re-arming', timeoutMs: 10_000 });
    const last = db
      .prepare(`select body_parsed from events where source = 'silence' order by id desc limit 1`)
      .get() as { body_parsed: string };
    expect(JSON.parse(last.body_parsed)).toMatchObject({
      hookId: hook.id,
      hookName: 'Payment provider',
      afterSeconds: 2,
      lastEventAt: expect.any(String),
    });
  }, 40_000);

  it('two processes on one database never fire the same scheduled time twice', async () => {
    const worker: ChildProcess = spawn(process.execPath, tsxArgs('worker.ts'), {
      cwd: path.resolve(import.meta.dirname, '..', '..'),
      env: { ...server.env, HOOKLINE_WORKER: 'on' } as unknown as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    worker.stdout!.on('data', (d) => (out += d));
    worker.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    try {
      await waitFor(() => out.includes('Hookline worker running'), { what: `the worker process: ${out}` });
      const id = await createAutomation('Every second', { type: 'schedule', cron: '* * * * * *' });
      await waitFor(() => runCount(id) >= 6, { what: 'six scheduled runs', timeoutMs: 20_000 });
      expect(
        (await apiCall(`/automations/${id}`, { method: 'PATCH', body: { enabled: false } })).status,
      ).toBe(200);
      const rows = db
        .prepare(
          `select count(*) as n, count(distinct received_at) as distinct_times from events
                   where source = 'schedule' and json_extract(meta, '$.automationId') = ?`,
        )
        .get(id) as { n: number; distinct_times: number };
      expect(rows.n).toBeGreaterThanOrEqual(6);
      expect(rows.distinct_times).toBe(rows.n);
      expect(runCount(id)).toBe(rows.n);
    } finally {
      worker.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
