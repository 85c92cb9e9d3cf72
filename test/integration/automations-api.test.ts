import Database from 'better-sqlite3';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, type TestServer } from '../support/server';

// Automations, secrets and preview through the real server and API.

describe('automations, secrets and preview API', () => {
  let server: TestServer;
  let token: string;
  let otherToken: string;
  let hookId: string;

  async function userToken(email: string): Promise<string> {
    const env = { DATABASE_URL: `file:${server.dbPath}` };
    expect(
      (await runCli(['user', 'create', '--email', email, '--password', 'correct horse battery'], env)).code,
    ).toBe(0);
    const created = await runCli(['token', 'create', '--email', email, '--name', 'test'], env);
    expect(created.code).toBe(0);
    return created.stdout.trim().split('\n').at(-1)!;
  }

  function api(path: string, init: { method?: string; body?: unknown; as?: string } = {}) {
    return fetch(`${server.url}/api/v1${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${init.as ?? token}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  }

  beforeAll(async () => {
    server = await startServer();
    token = await userToken('ada@example.com');
    otherToken = await userToken('bob@example.com');
    const hook = await api('/hooks', { body: { name: 'Stripe' } });
    expect(hook.status).toBe(201);
    hookId = ((await hook.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const definition = (over: Record<string, unknown> = {}) => ({
    name: 'Payments to Slack',
    trigger: { type: 'webhook', hookId },
    filter: 'type = "payment_intent.succeeded"',
    actions: [
      {
        name: 'Slack',
        method: 'POST',
        url: 'https://hooks.slack.com/services/T0/B0/X',
        body: '{"text": "Paid " & $string(data.object.amount)}',
        signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      },
    ],
    ...over,
  });

  async function expectFieldError(
    body: unknown,
    field: string,
    pattern: RegExp,
    method = 'POST',
    path = '/automations',
  ) {
    const res = await api(path, { method, body });
    expect(res.status, `${field}: ${JSON.stringify(body)}`).toBe(400);
    const json = (await res.json()) as { error: { message: string; fields?: Record<string, string> } };
    expect(json.error.fields?.[field], JSON.stringify(json)).toMatch(pattern);
    expect(json.error.message).toBeTruthy();
    return json;
  }

  let automationId: string;

  it('creates, reads, lists, updates (bumping the version) and deletes an automation', async () => {
    const created = await api('/automations', { body: definition() });
    expect(created.status).toBe(201);
    const a = (await created.json()) as Record<string, unknown> & {
      id: string;
      actions: Record<string, unknown>[];
    };
    automationId = a.id;
    expect(a).toMatchObject({
      name: 'Payments to Slack',
      enabled: true,
      version: 1,
      trigger: { type: 'webhook', hookId },
    });
    expect(a.actions[0]).toMatchObject({
      hasSigningSecret: true,
      timeoutMs: 15000,
      retry: { maxAttempts: 8 },
    });
    expect(JSON.stringify(a)).not.toMatch(/whsec_|signingSecret"/);

    const got = (await (await api(`/automations/${a.id}`)).json()) as { version: number };
    expect(got.version).toBe(1);

    const list = (await (await api('/automations')).json()) as {
      items: { id: string }[];
      nextCursor: string | null;
    };
    expect(list.items.map((i) => i.id)).toContain(a.id);
    expect(list.nextCursor).toBeNull();
    expect(JSON.stringify(list)).not.toContain('whsec_');

    const v2 = await api(`/automations/${a.id}`, {
      method: 'PATCH',
      body: { filter: 'data.object.amount > 100' },
    });
    expect(v2.status).toBe(200);
    expect(await v2.json()).toMatchObject({ version: 2, filter: 'data.object.amount > 100' });
    const v3 = (await (
      await api(`/automations/${a.id}`, { method: 'PATCH', body: { name: 'Renamed' } })
    ).json()) as { version: number; actions: { hasSigningSecret: boolean }[] };
    expect(v3.version).toBe(3);
    // An omitted signing secret is kept.
    expect(v3.actions[0].hasSigningSecret).toBe(true);

    const db = new Database(server.dbPath, { readonly: true });
    const versions = db
      .prepare('select version from automation_versions where automation_id = ? order by version')
      .all(a.id) as { version: number }[];
    const stored = db.prepare('select actions from automations where id = ?').get(a.id) as {
      actions: string;
    };
    db.close();
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(stored.actions).not.toContain('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  });

  it('answers 404 for another user and for unknown ids', async () => {
    expect((await api(`/automations/${automationId}`, { as: otherToken })).status).toBe(404);
    expect(
      (await api(`/automations/${automationId}`, { method: 'PATCH', body: { name: 'x' }, as: otherToken }))
        .status,
    ).toBe(404);
    expect((await api(`/automations/${automationId}`, { method: 'DELETE', as: otherToken })).status).toBe(
      404,
    );
    expect((await api('/automations/aut_nope')).status).toBe(404);
    const theirs = (await (await api('/automations', { as: otherToken })).json()) as { items: unknown[] };
    expect(theirs.items).toEqual([]);
  });

  it('refuses every kind of invalid definition with the field and position', async () => {
    const filter = await expectFieldError(
      definition({ name: 'f', filter: 'type = ' }),
      'filter',
      /at position \d+/,
    );
    expect(filter.error.message).toMatch(/filter/);
    await expectFieldError(
      definition({ name: 'b', actions: [{ method: 'POST', url: 'https://e.example/', body: '{"a": ' }] }),
      'actions.0.body',
      /at position \d+/,
    );
    await expectFieldError(
      definition({
        name: 'h',
        actions: [
          { method: 'POST', url: 'https://e.example/' },
          { method: 'POST', url: 'https://e.example/', headers: { Authorization: 'Bearer {{ $x( }}' } },
        ],
      }),
      'actions.1.headers.Authorization',
      /at position \d+/,
    );
    await expectFieldError(
      definition({ name: 'u', actions: [{ method: 'POST', url: 'https://e.example/{{ ] }}' }] }),
      'actions.0.url',
      /at position \d+/,
    );
    await expectFieldError(
      definition({
        name: 'w',
        actions: [{ method: 'POST', url: 'https://e.example/', when: '$eval("1+1")' }],
      }),
      'actions.0.when',
      /\$eval is not allowed.*position/,
    );
    await expectFieldError(
      definition({ name: 's', actions: [{ method: 'POST', url: 'file:///etc/passwd' }] }),
      'actions.0.url',
      /http/,
    );
    await expectFieldError(definition({ name: 'Renamed' }), 'name', /already exists/);
    await expectFieldError(
      definition({ name: 'n', trigger: { type: 'webhook', hookId: 'hk_nope' } }),
      'trigger.hookId',
      /not found/,
    );
    await expectFieldError(
      definition({
        name: 'sec',
        actions: [
          { method: 'POST', url: 'https://e.example/', headers: { 'X-Key': '{{ $secrets.MISSING }}' } },
        ],
      }),
      'actions.0.headers.X-Key',
      /\$secrets\.MISSING/,
    );
    await expectFieldError(
      definition({ name: 'c', trigger: { type: 'schedule', cron: '* * *' } }),
      'trigger.cron',
      /fields/,
    );
    await expectFieldError(
      definition({ name: 'tz', trigger: { type: 'schedule', cron: '0 9 * * 1', timezone: 'Nowhere/City' } }),
      'trigger.timezone',
      /timezone/i,
    );
    await expectFieldError(
      definition({
        name: 'p',
        trigger: {
          type: 'poll',
          url: 'https://api.example.com/items',
          intervalSeconds: 1,
          items: 'items',
          key: 'id',
        },
      }),
      'trigger.intervalSeconds',
      /at least 5/,
    );
    await expectFieldError(
      definition({
        name: 'pi',
        trigger: {
          type: 'poll',
          url: 'https://api.example.com/items',
          intervalSeconds: 30,
          items: 'items[',
          key: 'id',
        },
      }),
      'trigger.items',
      /position/,
    );
    await expectFieldError(definition({ name: '' }), 'name', /required/i);
    await expectFieldError(
      definition({ name: 'm', actions: [{ method: 'TRACE', url: 'https://e.example/' }] }),
      'actions.0.method',
      /.+/,
    );
    await expectFieldError(
      definition({ name: 't', actions: [{ method: 'POST', url: 'https://e.example/', timeoutMs: 120000 }] }),
      'actions.0.timeoutMs',
      /.+/,
    );
    await expectFieldError(
      { filter: 'type = ' },
      'filter',
      /position/,
      'PATCH',
      `/automations/${automationId}`,
    );
    // A schedule and a poll trigger that are valid are saved.
    const schedule = await api('/automations', {
      body: definition({
        name: 'Every 2 s',
        enabled: false,
        trigger: { type: 'schedule', cron: '*/2 * * * * *', timezone: 'Europe/Paris' },
      }),
    });
    expect(schedule.status).toBe(201);
  });

  it('keeps secrets write-only and encrypted at rest, and lets expressions use them', async () => {
    const value = 'xoxb-plaintext-secret-value-9f8e7d';
    const created = await api('/secrets', { body: { name: 'SLACK_TOKEN', value } });
    expect(created.status).toBe(201);
    const secret = (await created.json()) as Record<string, unknown>;
    expect(secret).toMatchObject({ name: 'SLACK_TOKEN', lastUsedAt: null });
    expect(JSON.stringify(secret)).not.toContain(value);

    expect((await api('/secrets', { body: { name: 'SLACK_TOKEN', value: 'x' } })).status).toBe(409);
    expect((await api('/secrets', { body: { name: 'bad name', value: 'x' } })).status).toBe(400);

    const list = await (await api('/secrets')).text();
    expect(list).toContain('SLACK_TOKEN');
    expect(list).not.toContain(value);
    expect(
      ((await (await api('/secrets', { as: otherToken })).json()) as { items: unknown[] }).items,
    ).toEqual([]);

    // Usable from an automation now that it exists.
    const withSecret = await api('/automations', {
      body: definition({
        name: 'Uses secret',
        actions: [
          {
            method: 'POST',
            url: 'https://e.example/',
            headers: { Authorization: 'Bearer {{ $secrets.SLACK_TOKEN }}' },
          },
        ],
      }),
    });
    expect(withSecret.status).toBe(201);

    // Preview masks it.
    const preview = await api('/preview', {
      body: { expression: '"Bearer " & $secrets.SLACK_TOKEN', input: {} },
    });
    expect(await preview.json()).toEqual({ result: 'Bearer ••••' });

    const replaced = await api(`/secrets/${secret.id as string}`, {
      method: 'PATCH',
      body: { value: 'new-value-1234' },
    });
    expect(replaced.status).toBe(200);
    expect(await replaced.text()).not.toContain('new-value-1234');
    expect((await api(`/secrets/${secret.id as string}`, { method: 'DELETE', as: otherToken })).status).toBe(
      404,
    );

    // Encrypted at rest: neither value is anywhere in the database files.
    const db = new Database(server.dbPath);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const row = db.prepare('select value_encrypted from secrets where name = ?').get('SLACK_TOKEN') as {
      value_encrypted: string;
    };
    db.close();
    expect(row.value_encrypted).toMatch(/^v1\./);
    for (const file of [server.dbPath, `${server.dbPath}-wal`]) {
      if (!fs.existsSync(file)) continue;
      const bytes = fs.readFileSync(file);
      expect(bytes.includes(Buffer.from(value))).toBe(false);
      expect(bytes.includes(Buffer.from('new-value-1234'))).toBe(false);
    }

    expect((await api(`/secrets/${secret.id as string}`, { method: 'DELETE' })).status).toBe(204);
    expect(await (await api('/secrets')).text()).not.toContain('SLACK_TOKEN');
  });

  it('previews an expression: 200 with the result, 422 with message and position', async () => {
    const ok = await api('/preview', {
      body: {
        expression: '{"total": $sum(items.price), "hook": $event.hookId, "prev": $steps[0].status}',
        input: { items: [{ price: 2 }, { price: 3 }] },
        bindings: { event: { hookId: 'hk_1' }, steps: [{ status: 201 }] },
      },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ result: { total: 5, hook: 'hk_1', prev: 201 } });

    const bad = await api('/preview', { body: { expression: 'items[price >', input: {} } });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toEqual({
      error: { message: expect.any(String), position: expect.any(Number) },
    });

    const evil = await api('/preview', { body: { expression: '$eval("1")', input: {} } });
    expect(evil.status).toBe(422);
    expect(((await evil.json()) as { error: { message: string } }).error.message).toMatch(/\$eval/);

    const runtime = await api('/preview', { body: { expression: '$number("abc")', input: {} } });
    expect(runtime.status).toBe(422);
  });

  it('deletes an automation (204) and then answers 404', async () => {
    expect((await api(`/automations/${automationId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/automations/${automationId}`)).status).toBe(404);
  });
});
