import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { automationVersions } from '@/db/schema';
import { ValidationError } from '@/lib/errors';
import { newId } from '@/lib/ids';
import { shutdownJsonataPool } from '@/lib/jsonata';
import { createSecret } from '@/lib/secrets/secrets';
import { addHook, addUser, useTempDatabase } from '@/test/support/db';
import {
  createAutomation,
  duplicateAutomation,
  getAutomation,
  toApiAutomation,
  updateAutomation,
} from './automations';
import { backtestAutomation, previewAutomation, sendTestAutomation } from './preview';
import { AUTOMATION_TEMPLATES } from './templates';
import { validateAutomation } from './validate';

let db: ReturnType<typeof useTempDatabase>;
const userId = newId('usr');
const otherId = newId('usr');
const hookId = newId('hk');
const otherHookId = newId('hk');

beforeAll(() => {
  db = useTempDatabase();
  addUser(userId, 'a@example.com');
  addUser(otherId, 'b@example.com');
  addHook(hookId, userId);
  addHook(otherHookId, otherId);
  createSecret(userId, { name: 'API_TOKEN', value: 'tok-very-secret-123' });
});
afterAll(async () => {
  await shutdownJsonataPool();
  db.cleanup();
});

const valid = (over: Record<string, unknown> = {}) => ({
  name: `A ${Math.random()}`,
  trigger: { type: 'webhook', hookId },
  filter: 'amount > 10',
  actions: [{ method: 'POST', url: 'https://example.com/x', body: '{"a": amount}' }],
  ...over,
});

function fieldsOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).fields ?? {};
  }
  throw new Error('expected a ValidationError');
}

describe('validateAutomation', () => {
  it('accepts a valid definition', () => {
    expect(validateAutomation(userId, valid()).name).toMatch(/^A /);
  });

  it('reports each broken expression under its field with the position', () => {
    const fields = fieldsOf(() =>
      validateAutomation(
        userId,
        valid({
          filter: 'amount >',
          actions: [
            { method: 'POST', url: 'https://example.com/x', body: '{"a": }' },
            { method: 'POST', url: 'https://e.com/{{ $x( }}', headers: { Authorization: 'Bearer {{ ( }}' } },
            { method: 'POST', url: 'https://example.com/y', when: '$eval("1")' },
          ],
        }),
      ),
    );
    expect(fields.filter).toMatch(/at position \d+/);
    expect(fields['actions.0.body']).toMatch(/at position \d+/);
    expect(fields['actions.1.url']).toMatch(/at position \d+/);
    expect(fields['actions.1.headers.Authorization']).toMatch(/at position \d+/);
    expect(fields['actions.2.when']).toMatch(/\$eval is not allowed/);
  });

  it('refuses non-http URLs, unknown or foreign hooks, unknown secrets, bad cron/timezone, short polls', () => {
    expect(
      fieldsOf(() =>
        validateAutomation(userId, valid({ actions: [{ method: 'GET', url: 'ftp://x.example/a' }] })),
      ),
    ).toHaveProperty('actions.0.url', expect.stringMatching(/http/));
    expect(
      fieldsOf(() =>
        validateAutomation(userId, valid({ trigger: { type: 'webhook', hookId: otherHookId } })),
      ),
    ).toHaveProperty('trigger.hookId');
    expect(
      fieldsOf(() =>
        validateAutomation(
          userId,
          valid({
            actions: [
              { method: 'GET', url: 'https://x.example/a', headers: { 'X-Key': '{{ $secrets.NOPE }}' } },
            ],
          }),
        ),
      ),
    ).toHaveProperty('actions.0.headers.X-Key', expect.stringMatching(/\$secrets\.NOPE/));
    expect(
      fieldsOf(() =>
        validateAutomation(userId, valid({ trigger: { type: 'schedule', cron: '61 * * * *' } })),
      ),
    ).toHaveProperty('trigger.cron');
    expect(
      fieldsOf(() =>
        validateAutomation(
          userId,
          valid({ trigger: { type: 'schedule', cron: '* * * * *', timezone: 'Mars/Base' } }),
        ),
      ),
    ).toHaveProperty('trigger.timezone');
    const poll = {
      type: 'poll',
      url: 'https://api.example.com/items',
      intervalSeconds: 2,
      items: 'items',
      key: 'id',
    };
    expect(fieldsOf(() => validateAutomation(userId, valid({ trigger: poll })))).toHaveProperty(
      'trigger.intervalSeconds',
    );
    expect(
      fieldsOf(() =>
        validateAutomation(userId, valid({ trigger: { ...poll, intervalSeconds: 5, items: 'items[' } })),
      ),
    ).toHaveProperty('trigger.items');
    // A known secret and a 6-field cron are fine.
    expect(
      validateAutomation(
        userId,
        valid({
          trigger: { type: 'schedule', cron: '*/2 * * * * *', timezone: 'Europe/Paris' },
          actions: [
            { method: 'GET', url: 'https://x.example/a', headers: { 'X-Key': '{{ $secrets.API_TOKEN }}' } },
          ],
        }),
      ).trigger.type,
    ).toBe('schedule');
  });

  it('keeps names unique per user', () => {
    createAutomation(userId, valid({ name: 'Unique' }));
    expect(fieldsOf(() => createAutomation(userId, valid({ name: 'Unique' })))).toHaveProperty('name');
  });

  it('accepts every template once its hook is chosen and its secrets exist', () => {
    createSecret(userId, { name: 'MAIL_API_KEY', value: 'mail-key-0000' });
    for (const t of AUTOMATION_TEMPLATES) {
      expect(() =>
        validateAutomation(userId, {
          name: t.name,
          trigger: { type: 'webhook', hookId },
          filter: t.filter,
          actions: t.actions,
        }),
      ).not.toThrow();
    }
  });
});

describe('automations', () => {
  it('bumps the version and records it on every save; keeps and clears signing secrets', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const row = createAutomation(
      userId,
      valid({
        name: 'Versioned',
        actions: [{ method: 'POST', url: 'https://e.example/a', signingSecret: secret }],
      }),
    );
    expect(row.version).toBe(1);
    const api = toApiAutomation(row);
    expect(JSON.stringify(api)).not.toContain(secret);
    expect(api.actions[0].hasSigningSecret).toBe(true);

    const v2 = updateAutomation(userId, row.id, { filter: 'amount > 20' });
    expect(v2.version).toBe(2);
    expect(toApiAutomation(v2).actions[0].hasSigningSecret).toBe(true);
    const v3 = updateAutomation(userId, row.id, {
      actions: [{ method: 'POST', url: 'https://e.example/a', signingSecret: null }],
    });
    expect(v3.version).toBe(3);
    expect(toApiAutomation(v3).actions[0].hasSigningSecret).toBe(false);
    // enabled alone changes no behaviour of a run: no new version.
    expect(updateAutomation(userId, row.id, { enabled: false }).version).toBe(3);
    const versions = getDb()
      .select()
      .from(automationVersions)
      .all()
      .filter((v) => v.automationId === row.id);
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3]);
    expect(() => getAutomation(otherId, row.id)).toThrow(/not found/);
    const copy = duplicateAutomation(userId, row.id);
    expect(copy).toMatchObject({ name: 'Copy of Versioned', enabled: false, version: 1 });
  });
});

describe('preview', () => {
  it('renders with secrets masked as ••••, and reports the filter', async () => {
    const draft = {
      filter: 'amount > 10',
      actions: [
        {
          method: 'POST',
          url: 'https://api.example.com/{{ $secrets.API_TOKEN }}/x',
          headers: { Authorization: 'Bearer {{ $secrets.API_TOKEN }}' },
          body: '{"amount": amount, "token": $secrets.API_TOKEN}',
        },
        { method: 'POST', url: 'https://api.example.com/', body: '{"a": ' },
      ],
    };
    const result = await previewAutomation({ id: userId }, draft, { json: { amount: 12 } });
    expect(result.filter).toEqual({ pass: true });
    expect(result.actions[0].request).toEqual({
      method: 'POST',
      url: 'https://api.example.com/••••/x',
      headers: { 'content-type': 'application/json', Authorization: 'Bearer ••••' },
      body: '{"amount":12,"token":"••••"}',
    });
    expect(JSON.stringify(result)).not.toContain('tok-very-secret-123');
    expect(result.actions[1].error).toMatchObject({ where: 'body', position: expect.any(Number) });
    const filtered = await previewAutomation({ id: userId }, draft, { json: { amount: 1 } });
    expect(filtered.filter).toEqual({ pass: false });
  });

  it('backtests nothing for a foreign hook', async () => {
    await expect(backtestAutomation({ id: userId }, {}, otherHookId)).rejects.toThrow(/not found/);
    expect(await backtestAutomation({ id: userId }, {}, hookId)).toEqual([]);
  });
});

describe('templates', () => {
  it('each template passes its filter and renders every action from its own sample', async () => {
    expect(AUTOMATION_TEMPLATES.length).toBeGreaterThanOrEqual(5);
    for (const t of AUTOMATION_TEMPLATES) {
      const result = await previewAutomation(
        { id: userId },
        { filter: t.filter, actions: t.actions },
        {
          json: t.sample.body,
          raw: t.sample.raw,
          contentType: t.sample.contentType,
          headers: t.sample.headers,
        },
      );
      expect(result.filter, t.id).toEqual({ pass: true });
      for (const a of result.actions) {
        expect(a.error, t.id).toBeNull();
        expect(a.request?.url, t.id).toMatch(/^https:\/\//);
      }
    }
    const slack = await previewAutomation({ id: userId }, AUTOMATION_TEMPLATES[0], {
      json: AUTOMATION_TEMPLATES[0].sample.body,
    });
    expect(JSON.parse(slack.actions[0].request!.body!)).toEqual({
      text: 'Payment received: 25.99 USD from ada@example.com (Pro plan, monthly)',
    });
    const relay = AUTOMATION_TEMPLATES.find((t) => t.id === 'relay')!;
    const forwarded = await previewAutomation({ id: userId }, relay, {
      json: relay.sample.body,
      raw: relay.sample.raw,
    });
    expect(forwarded.actions[0].request!.body).toBe(relay.sample.raw);
  });
});

describe('sendTestAutomation', () => {
  it('sends the rendered, signed request for real and returns the response with secrets masked', async () => {
    const http = await import('node:http');
    const received: { headers: Record<string, unknown>; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, echoed: body }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    process.env.HOOKLINE_ALLOW_PRIVATE_NETWORKS = 'true';
    try {
      const result = await sendTestAutomation(
        { id: userId },
        {
          filter: 'amount > 1',
          actions: [
            {
              method: 'POST',
              url: `http://127.0.0.1:${port}/in`,
              headers: { Authorization: 'Bearer {{ $secrets.API_TOKEN }}' },
              body: '{"amount": amount, "t": $secrets.API_TOKEN}',
              signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
            },
            { method: 'POST', url: `http://127.0.0.1:${port}/second`, body: '{"prev": $steps[0].status}' },
          ],
        },
        { json: { amount: 5 } },
      );
      expect(result.filter).toEqual({ pass: true });
      expect(result.steps.map((s) => s.response?.status)).toEqual([201, 201]);
      expect(received[0].headers.authorization).toBe('Bearer tok-very-secret-123');
      expect(received[0].headers['webhook-signature']).toMatch(/^v1,/);
      expect(JSON.parse(received[1].body)).toEqual({ prev: 201 });
      expect(JSON.stringify(result)).not.toContain('tok-very-secret-123');
      expect(result.steps[0].request?.headers.Authorization).toBe('Bearer ••••');
    } finally {
      server.close();
    }
  });
});

describe('secrets', () => {
  it('stores values encrypted, lists names only and touches lastUsedAt at most once a minute', async () => {
    const { listSecrets, loadSecretValues } = await import('@/lib/secrets/secrets');
    const { secrets } = await import('@/db/schema');
    createSecret(otherId, { name: 'ROUND_TRIP', value: 'round-trip-value' });
    const stored = getDb()
      .select()
      .from(secrets)
      .all()
      .find((s) => s.name === 'ROUND_TRIP')!;
    expect(stored.valueEncrypted).not.toContain('round-trip-value');
    expect(JSON.stringify(listSecrets(otherId))).not.toContain('round-trip-value');
    expect(listSecrets(otherId)[0].lastUsedAt).toBeNull();
    expect(loadSecretValues(otherId, { touch: false })).toEqual({ ROUND_TRIP: 'round-trip-value' });
    expect(listSecrets(otherId)[0].lastUsedAt).toBeNull();
    loadSecretValues(otherId);
    const first = listSecrets(otherId)[0].lastUsedAt;
    expect(first).toEqual(expect.any(Number));
    loadSecretValues(otherId);
    expect(listSecrets(otherId)[0].lastUsedAt).toBe(first);
    expect(() => createSecret(otherId, { name: 'ROUND_TRIP', value: 'x' })).toThrow(/already exists/);
    expect(() => createSecret(otherId, { name: 'lower', value: 'x' })).toThrow();
  });
});
