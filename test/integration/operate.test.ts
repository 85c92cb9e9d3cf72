import Database from 'better-sqlite3';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  automationResponse,
  eventDetailResponse,
  eventSummaryResponse,
  hookResponse,
  listOf,
  meResponse,
  runDetailResponse,
  runListItemResponse,
  secretResponse,
} from '@/lib/openapi/responses';
import { OPERATIONS } from '@/lib/openapi/operations';
import { apiV1Routes } from '@/lib/openapi/route-files';
import { createApiUser, hookPath, type ApiClient } from '../support/api';
import { startSink, type Sink } from '../support/sink';
import { runCli, startServer, tempDataDir, waitFor, type TestServer } from '../support/server';

// Secrets that must never show up in the server's output, whatever happens.
const METRICS_TOKEN = 'metrics-token-0f9e8d7c6b5a';
const HOOK_SECRET = 'hook-verification-secret-4b1d9a';
const SECRET_VALUE = 'dollar-secrets-value-77e2c1';
const INGEST_BEARER = 'ingest-bearer-token-5a6b7c';

let server: TestServer;
let plain: TestServer;
let api: ApiClient;
let sink: Sink;
let hook: { id: string; url: string };

beforeAll(async () => {
  [server, plain, sink] = await Promise.all([
    startServer({ env: { HOOKLINE_METRICS_TOKEN: METRICS_TOKEN, LOG_LEVEL: 'debug' } }),
    startServer(),
    startSink(),
  ]);
  sink.respond = (req) =>
    req.url.startsWith('/fail') ? { status: 500, body: 'down' } : { status: 200, body: '{"ok":true}' };
  api = await createApiUser(server, 'operator@example.com');
  await api.ok('POST', '/api/v1/secrets', { name: 'API_KEY', value: SECRET_VALUE });
  hook = await api.ok('POST', '/api/v1/hooks', {
    name: 'Signed',
    verification: { scheme: 'hmac-sha256', secret: HOOK_SECRET },
  });
  await api.ok('POST', '/api/v1/automations', {
    name: 'Forward',
    trigger: { type: 'webhook', hookId: hook.id },
    actions: [
      {
        name: 'ok',
        method: 'POST',
        url: `${sink.url}/ok?key={{ $secrets.API_KEY }}`,
        headers: { Authorization: 'Bearer {{ $secrets.API_KEY }}' },
        body: '{"order": order, "key": $secrets.API_KEY}',
      },
    ],
  });
  await api.ok('POST', '/api/v1/automations', {
    name: 'Broken destination',
    trigger: { type: 'webhook', hookId: hook.id },
    actions: [
      {
        name: 'fail',
        method: 'POST',
        url: `${sink.url}/fail/{{ $secrets.API_KEY }}`,
        retry: { maxAttempts: 1 },
      },
    ],
  });
});

afterAll(async () => {
  await Promise.all([server?.stop(), plain?.stop(), sink?.close()]);
});

async function scrape(token: string | null = METRICS_TOKEN, target = server) {
  return fetch(`${target.url}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** The value of one sample: `name{labels…}` whose labels include all of `labels` (summed over the rest). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) {
      total += Number(m[3]);
      found = true;
    }
  }
  return found ? total : NaN;
}

async function metricsText(): Promise<string> {
  const res = await scrape();
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

function signedPost(body: string, secret = HOOK_SECRET) {
  return fetch(`${server.url}${hookPath(hook)}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-signature': createHmac('sha256', secret).update(body).digest('hex'),
      authorization: `Bearer ${INGEST_BEARER}`,
    },
    body,
  });
}

describe('metrics', () => {
  it('are off (404) without HOOKLINE_METRICS_TOKEN, and need the token when it is set', async () => {
    expect((await scrape(METRICS_TOKEN, plain)).status).toBe(404);
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('wrong-token')).status).toBe(401);
    expect((await scrape(`${METRICS_TOKEN}x`)).status).toBe(401);
    expect((await scrape()).status).toBe(200);
  });

  it('move after an ingest and a delivery', async () => {
    const before = await metricsText();
    const accepted = () =>
      sample(before, 'hookline_ingest_requests_total', { outcome: 'accepted', status: '202' });
    const beforeAccepted = Number.isNaN(accepted()) ? 0 : accepted();

    const res = await signedPost('{"order": 42}');
    expect(res.status).toBe(202);
    const { id: eventId } = await res.json();
    expect((await signedPost('{"order": 43}', 'wrong-secret')).status).toBe(401);

    const runs = await waitFor(
      async () => {
        const page = await api.ok('GET', `/api/v1/runs?eventId=${eventId}`);
        return page.items.length === 2 &&
          page.items.every((r: { status: string }) => r.status === 'succeeded' || r.status === 'failed')
          ? page.items
          : null;
      },
      { what: 'both runs to finish' },
    );
    expect(runs.map((r: { status: string }) => r.status).sort()).toEqual(['failed', 'succeeded']);

    const after = await metricsText();
    expect(sample(after, 'hookline_ingest_requests_total', { outcome: 'accepted', status: '202' })).toBe(
      beforeAccepted + 1,
    );
    expect(
      sample(after, 'hookline_ingest_requests_total', { outcome: 'rejected', status: '401' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'hookline_ingest_duration_seconds_count', { outcome: 'accepted' })).toBe(
      beforeAccepted + 1,
    );
    expect(
      sample(after, 'hookline_delivery_attempts_total', { outcome: 'success', status_class: '2xx' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(after, 'hookline_delivery_attempts_total', { outcome: 'failure', status_class: '5xx' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'hookline_delivery_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'hookline_runs', { status: 'succeeded' })).toBeGreaterThan(
      Number.isNaN(sample(before, 'hookline_runs', { status: 'succeeded' }))
        ? -1
        : sample(before, 'hookline_runs', { status: 'succeeded' }),
    );
    expect(sample(after, 'hookline_runs', { status: 'failed' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'hookline_queue_depth')).toBe(0);
    expect(sample(after, 'hookline_queue_oldest_due_age_seconds')).toBe(0);
    expect(sample(after, 'hookline_destinations_paused')).toBe(0);
    expect(sample(after, 'hookline_poll_errors')).toBe(0);
    expect(sample(after, 'hookline_database_bytes', { file: 'db' })).toBeGreaterThan(0);
    expect(sample(after, 'hookline_database_bytes', { file: 'search' })).toBeGreaterThan(0);
    expect(sample(after, 'hookline_database_bytes', { file: 'search_wal' })).toBeGreaterThanOrEqual(0); // not NaN: there
  });
});

describe('logs', () => {
  it('have a JSON line per rejection and delivery failure, and never a secret', async () => {
    const lines = await waitFor(
      () => {
        const parsed = server
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        return parsed.some((l) => l.msg === 'Delivery failed') ? parsed : null;
      },
      { what: 'a delivery failure log line' },
    );
    expect(lines.find((l) => l.msg === 'Ingest rejected')).toMatchObject({
      hookId: hook.id,
      status: 401,
      sourceIp: expect.any(String),
    });
    expect(lines.find((l) => l.msg === 'Delivery failed')).toMatchObject({
      status: 500,
      host: expect.any(String),
    });

    const output = server.output();
    for (const secret of [HOOK_SECRET, SECRET_VALUE, INGEST_BEARER, METRICS_TOKEN, api.token]) {
      expect(output.includes(secret), `server output contains ${secret.slice(0, 12)}…`).toBe(false);
    }
  });
});

describe('backup', () => {
  it('copies the database of a running server into a file that opens and holds the data', async () => {
    const file = path.join(tempDataDir('hookline-backup-'), 'backup.db');
    const result = await runCli(['backup', file], { DATABASE_URL: `file:${server.dbPath}` });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const db = new Database(file, { readonly: true });
    try {
      const hooks = db.prepare(`select name from hooks where id = ?`).all(hook.id);
      expect(hooks).toEqual([{ name: 'Signed' }]);
      const automations = db.prepare(`select name from automations order by name`).all();
      expect(automations).toEqual([{ name: 'Broken destination' }, { name: 'Forward' }]);
      expect((db.prepare(`select count(*) as n from events`).get() as { n: number }).n).toBeGreaterThan(0);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    // The server is still fine.
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });
});

describe('import and export', () => {
  it('reproduces the automations in another installation, and never overwrites', async () => {
    const dir = tempDataDir('hookline-export-');
    const file = path.join(dir, 'export.json');
    const exported = await runCli(['export', '--email', api.email, '--out', file], {
      DATABASE_URL: `file:${server.dbPath}`,
    });
    expect(exported.code).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(HOOK_SECRET);
    expect(text).not.toContain(SECRET_VALUE);
    const first = JSON.parse(text);
    expect(first.automations.map((a: { name: string }) => a.name)).toEqual(['Forward', 'Broken destination']);

    const other = await createApiUser(plain, 'importer@example.com');
    const env = { DATABASE_URL: `file:${plain.dbPath}` };
    // The automations use $secrets.API_KEY, which does not exist here yet: nothing is imported.
    const refused = await runCli(['import', '--email', other.email, '--file', file], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('$secrets.API_KEY');
    expect((await other.ok('GET', '/api/v1/automations')).items).toEqual([]);

    await other.ok('POST', '/api/v1/secrets', { name: 'API_KEY', value: 'another-value' });
    const imported = await runCli(['import', '--email', other.email, '--file', file], env);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported 2 automation(s) and 1 hook(s)');

    const again = await runCli(['export', '--email', other.email], env);
    const second = JSON.parse(again.stdout);
    expect({ ...second, exportedAt: null }).toEqual({ ...first, exportedAt: null });

    // The imported hook keeps its scheme but has no secret: it rejects every request until one is set.
    const [importedHook] = (await other.ok('GET', '/api/v1/hooks')).items;
    expect(importedHook.verification).toMatchObject({ scheme: 'hmac-sha256', secretCount: 0 });
    const res = await fetch(`${plain.url}${hookPath(importedHook)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': 'abc' },
      body: '{}',
    });
    expect(res.status).toBe(401);

    // Importing again: every name is taken, so everything is skipped (default) or renamed.
    const skipped = await runCli(['import', '--email', other.email, '--file', file], env);
    expect(skipped.stdout).toContain('Imported 0 automation(s)');
    const renamed = await runCli(
      ['import', '--email', other.email, '--file', file, '--on-conflict', 'rename'],
      env,
    );
    expect(renamed.code).toBe(0);
    const names = (await other.ok('GET', '/api/v1/automations')).items
      .map((a: { name: string }) => a.name)
      .sort();
    expect(names).toEqual(['Broken destination', 'Broken destination (2)', 'Forward', 'Forward (2)']);
  });
});

describe('OpenAPI document', () => {
  it('is public and documents every /api/v1 route', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, object>)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(documented).toEqual(apiV1Routes());
  });

  it('has examples the real API accepts', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    const doc = await res.json();
    const example = (p: string, m: string) => doc.paths[p][m].requestBody.content['application/json'].example;
    const created = await api.call('POST', '/api/v1/hooks', example('/api/v1/hooks', 'post'));
    expect(created.status).toBe(201);
    expect(
      (await api.call('PATCH', `/api/v1/hooks/${created.json.id}`, example('/api/v1/hooks/{id}', 'patch')))
        .status,
    ).toBe(200);
    expect((await api.call('POST', '/api/v1/secrets', example('/api/v1/secrets', 'post'))).status).toBe(201);
    const automation = example('/api/v1/automations', 'post');
    const made = await api.call('POST', '/api/v1/automations', {
      ...automation,
      trigger: { type: 'webhook', hookId: created.json.id },
    });
    expect(made.status).toBe(201);
    expect((await api.call('POST', '/api/v1/preview', example('/api/v1/preview', 'post'))).json).toEqual({
      result: 'a',
    });
    expect(OPERATIONS.filter((o) => o.body).length).toBeGreaterThanOrEqual(7);
  });

  it('describes what the API really returns', async () => {
    const hooks = await api.ok('GET', '/api/v1/hooks');
    listOf(hookResponse).parse(hooks);
    const automations = await api.ok('GET', '/api/v1/automations');
    listOf(automationResponse).parse(automations);
    const events = await api.ok('GET', '/api/v1/events');
    listOf(eventSummaryResponse).parse(events);
    eventDetailResponse.parse(await api.ok('GET', `/api/v1/events/${events.items[0].id}`));
    const runs = await api.ok('GET', '/api/v1/runs');
    listOf(runListItemResponse).parse(runs);
    for (const run of runs.items) runDetailResponse.parse(await api.ok('GET', `/api/v1/runs/${run.id}`));
    listOf(secretResponse).parse(await api.ok('GET', '/api/v1/secrets'));
    meResponse.parse(await api.ok('GET', '/api/v1/me'));
  });
});
