import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, type VerificationConfig, type VerificationScheme } from '@/lib/signatures';
import { createApiUser, hookPath, type ApiClient } from '../support/api';
import { startServer, type TestServer } from '../support/server';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startServer();
  api = await createApiUser(server, 'ingest@example.com');
});
afterAll(async () => {
  await server?.stop();
});

async function createHook(body: Record<string, unknown>) {
  return api.ok<{ id: string; url: string }>('POST', '/api/v1/hooks', {
    name: `hook ${Math.random()}`,
    ...body,
  });
}

function post(path: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST') {
  return fetch(`${server.url}${path}`, {
    method,
    body: method === 'GET' || method === 'HEAD' ? undefined : (body as BodyInit),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('/h/<token> statuses', () => {
  it('202 with the event id, and the event is stored exactly', async () => {
    const hook = await createHook({});
    const raw = '{"hello": "world",  "n": 1}';
    const res = await post(hookPath(hook), raw);
    expect(res.status).toBe(202);
    const { id } = await res.json();
    expect(id).toMatch(/^evt_/);
    const event = await api.ok('GET', `/api/v1/events/${id}`);
    expect(event.outcome).toBe('accepted');
    expect(event.body.kind).toBe('json');
    expect(event.body.parsed).toEqual({ hello: 'world', n: 1 });
    expect(event.body.raw).toBe(raw);
  });

  it('404 for an unknown or disabled hook', async () => {
    expect((await post('/h/doesnotexist12345', '{}')).status).toBe(404);
    const hook = await createHook({});
    // Accepted first, so the endpoint holds the hook in memory: the edit must still apply to the next request.
    expect((await post(hookPath(hook), '{}')).status).toBe(202);
    await api.ok('PATCH', `/api/v1/hooks/${hook.id}`, { enabled: false });
    expect((await post(hookPath(hook), '{}')).status).toBe(404);
  });

  it('405 with Allow for a method the hook does not accept', async () => {
    const hook = await createHook({});
    const res = await post(hookPath(hook), '', {}, 'PUT');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    const getHook = await createHook({ allowedMethods: ['GET', 'POST'] });
    expect((await post(hookPath(getHook), '', {}, 'GET')).status).toBe(202);
  });

  it('403 when the source address is not in the allow list', async () => {
    const blocked = await createHook({ allowedIps: ['10.0.0.0/8', '2001:db8::/32'] });
    expect((await post(hookPath(blocked), '{}')).status).toBe(403);
    const allowed = await createHook({ allowedIps: ['127.0.0.0/8', '::1'] });
    expect((await post(hookPath(allowed), '{}')).status).toBe(202);
  });

  it('413 for a body over the limit, and a body at the limit is accepted', async () => {
    const hook = await createHook({ maxBodyBytes: 1024 });
    const atLimit = JSON.stringify({ a: 'x'.repeat(1024 - 8) });
    expect(Buffer.byteLength(atLimit)).toBe(1024);
    expect((await post(hookPath(hook), atLimit)).status).toBe(202);
    expect((await post(hookPath(hook), JSON.stringify({ a: 'x'.repeat(2048) }))).status).toBe(413);
  });

  it('429 with Retry-After once the burst is used', async () => {
    const hook = await createHook({ rateLimit: { perSecond: 1, burst: 3 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(hookPath(hook), '{}')).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const res = await post(hookPath(hook), '{}');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('400 for a body that claims JSON but is not', async () => {
    const hook = await createHook({});
    const res = await post(hookPath(hook), '{"broken": ', { 'content-type': 'application/vnd.api+json' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('not valid JSON');
  });

  it('custom response status, content type and body', async () => {
    const hook = await createHook({
      response: { status: 200, contentType: 'text/plain', body: 'ok {{id}}' },
    });
    const res = await post(hookPath(hook), '{}');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toMatch(/^ok evt_/);
  });

  it('records rejected requests with their reason for the inspector', async () => {
    const hook = await createHook({ verification: { scheme: 'github', secret: 'gh-secret' } });
    await post(hookPath(hook), '{}', { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) });
    const list = await api.ok('GET', `/api/v1/events?hookId=${hook.id}`);
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ outcome: 'rejected', rejectStatus: 401 });
    expect(list.items[0].rejectReason).toMatch(/signature/i);
  });
});

describe('signature schemes', () => {
  const cases: {
    scheme: VerificationScheme;
    secret: string;
    timestamped: boolean;
    extra?: Partial<VerificationConfig>;
  }[] = [
    { scheme: 'stripe', secret: 'whsec_stripe_test_secret', timestamped: true },
    { scheme: 'github', secret: "It's a Secret to Everybody", timestamped: false },
    { scheme: 'shopify', secret: 'shpss_shopify_secret', timestamped: false },
    { scheme: 'slack', secret: '8f742231b10e8888abcd99yyyzzz85a5', timestamped: true },
    { scheme: 'standard-webhooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', timestamped: true },
    {
      scheme: 'hmac-sha256',
      secret: 'generic-secret',
      timestamped: false,
      extra: { header: 'x-signature', encoding: 'base64', prefix: 'sha256=' },
    },
  ];

  for (const c of cases) {
    describe(c.scheme, () => {
      let hook: { id: string; url: string };
      const config: VerificationConfig = { scheme: c.scheme, secrets: [c.secret], ...c.extra };
      const body = Buffer.from(JSON.stringify({ id: `evt_${c.scheme}`, type: 'test', amount: 10 }));

      beforeAll(async () => {
        hook = await createHook({
          verification: { scheme: c.scheme, secret: c.secret, ...c.extra },
          // Signed test payloads reuse ids; dedupe is covered elsewhere.
          dedupe: null,
        });
      });

      const send = (b: Buffer, headers: Record<string, string>) =>
        post(hookPath(hook), b, { ...headers, 'content-type': 'application/json' });

      it('accepts a valid signature', async () => {
        const res = await send(body, signRequest(config, body));
        expect(res.status).toBe(c.scheme === 'stripe' || c.scheme === 'standard-webhooks' ? 202 : 202);
      });

      it('refuses a forged signature', async () => {
        const forged = signRequest(
          {
            ...config,
            secrets: [
              c.secret.startsWith('whsec_')
                ? 'whsec_' + Buffer.from('another key of 24 bytes!').toString('base64')
                : 'wrong',
            ],
          },
          body,
        );
        expect((await send(body, forged)).status).toBe(401);
      });

      it('refuses a missing signature', async () => {
        expect((await send(body, {})).status).toBe(401);
      });

      it('refuses a body altered after signing', async () => {
        const headers = signRequest(config, body);
        const altered = Buffer.from(body);
        altered[altered.length - 2] ^= 1;
        expect((await send(altered, headers)).status).toBe(401);
      });

      if (c.timestamped) {
        it('refuses a stale timestamp', async () => {
          const headers = signRequest(config, body, Date.now() - 10 * 60_000);
          const res = await send(body, headers);
          expect(res.status).toBe(401);
          expect((await res.json()).error.message).toMatch(/tolerance|timestamp/i);
        });
      }
    });
  }

  it('accepts either of two active secrets while rotating', async () => {
    const hook = await createHook({
      verification: { scheme: 'github', secret: 'new-secret', secondarySecret: 'old-secret' },
    });
    const body = Buffer.from('{"a":1}');
    for (const secret of ['new-secret', 'old-secret']) {
      const res = await post(
        hookPath(hook),
        body,
        signRequest({ scheme: 'github', secrets: [secret] }, body),
      );
      expect(res.status).toBe(202);
    }
  });
});

describe('content types', () => {
  let hook: { id: string; url: string };
  beforeAll(async () => {
    hook = await createHook({});
  });
  async function stored(body: string | Buffer, contentType: string) {
    const res = await post(hookPath(hook), body, { 'content-type': contentType });
    expect(res.status).toBe(202);
    return api.ok('GET', `/api/v1/events/${(await res.json()).id}`);
  }

  it('form fields as an object', async () => {
    const e = await stored(
      'name=Ada+Lovelace&email=ada%40example.com&tag=a&tag=b',
      'application/x-www-form-urlencoded',
    );
    expect(e.body.kind).toBe('form');
    expect(e.body.parsed).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', tag: ['a', 'b'] });
  });

  it('multipart fields, and files recorded by name, type and size', async () => {
    const boundary = '----hookline';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="title"',
      '',
      'Invoice',
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="a.pdf"',
      'Content-Type: application/pdf',
      '',
      '%PDF-1.4 fake',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const e = await stored(body, `multipart/form-data; boundary=${boundary}`);
    expect(e.body.kind).toBe('multipart');
    expect(e.body.parsed.fields).toEqual({ title: 'Invoice' });
    expect(e.body.parsed.files[0]).toMatchObject({
      filename: 'a.pdf',
      contentType: 'application/pdf',
      size: 13,
    });
  });

  it('JSON for application/*+json, XML and text as text, binary as base64', async () => {
    expect((await stored('{"a":1}', 'application/cloudevents+json')).body.parsed).toEqual({ a: 1 });
    const xml = await stored('<order id="1"/>', 'application/xml');
    expect(xml.body).toMatchObject({ kind: 'text', parsed: '<order id="1"/>' });
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    const bin = await stored(bytes, 'application/octet-stream');
    expect(bin.body.kind).toBe('binary');
    expect(bin.body.parsed).toBe(bytes.toString('base64'));
  });
});

describe('dedupe', () => {
  it('answers 200 duplicate with the first id for a repeated delivery id, and starts no runs', async () => {
    const hook = await createHook({});
    const first = await post(hookPath(hook), '{"a":1}', { 'webhook-id': 'msg_123' });
    const { id } = await first.json();
    const again = await post(hookPath(hook), '{"a":1}', { 'webhook-id': 'msg_123' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id, duplicate: true });
    const other = await post(hookPath(hook), '{"a":1}', { 'x-github-delivery': 'gh-1' });
    expect(other.status).toBe(202);
    const list = await api.ok('GET', `/api/v1/events?hookId=${hook.id}`);
    expect(list.items.map((e: { outcome: string }) => e.outcome).sort()).toEqual([
      'accepted',
      'accepted',
      'duplicate',
    ]);
  });

  it('dedupes on a JSONata key expression', async () => {
    const hook = await createHook({ dedupe: { expression: 'order.id' } });
    const a = await post(hookPath(hook), '{"order":{"id":42,"v":1}}');
    const b = await post(hookPath(hook), '{"order":{"id":42,"v":2}}');
    const c = await post(hookPath(hook), '{"order":{"id":43}}');
    expect([a.status, b.status, c.status]).toEqual([202, 200, 202]);
  });
});
