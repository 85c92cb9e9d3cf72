import { afterAll, describe, expect, it } from 'vitest';
import { getJsonataPoolStats, shutdownJsonataPool } from '@/lib/jsonata';
import { storedAction, type StoredAction } from './definition';
import {
  evaluateFilter,
  evaluateWhen,
  eventBindingFromRow,
  renderAction,
  renderActionIfDue,
  runContextFromEvent,
  type RunContext,
} from './render';

afterAll(() => shutdownJsonataPool());

function ctx(overrides: Partial<RunContext> = {}): RunContext {
  const body = { order: { id: 42, total: 9.5, customer: 'Ada Lovelace' }, tags: ['a', 'b'] };
  return {
    body,
    rawBody: Buffer.from(JSON.stringify(body)),
    contentType: 'application/json',
    event: {
      id: 'evt_1',
      hookId: 'hk_1',
      method: 'POST',
      headers: { 'x-github-event': 'push' },
      query: {},
      receivedAt: '2025-01-01T00:00:00.000Z',
      sourceIp: '203.0.113.7',
      source: 'webhook',
    },
    secrets: { TOKEN: 's3cr3t-token' },
    steps: [],
    ...overrides,
  };
}

function action(a: Partial<StoredAction>): StoredAction {
  return storedAction.parse({ name: 'A', method: 'POST', url: 'https://example.com/in', ...a });
}

describe('renderAction', () => {
  it('forwards a binary body byte for byte with the received content type when body is null', async () => {
    const raw = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0xc3, 0x28, 0x0d, 0x0a]);
    const result = await renderAction(
      action({ body: null }),
      ctx({ body: raw.toString('base64'), rawBody: raw, contentType: 'application/octet-stream' }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Buffer.isBuffer(result.request.body)).toBe(true);
    expect((result.request.body as Buffer).equals(raw)).toBe(true);
    expect(result.request.headers).toEqual({ 'content-type': 'application/octet-stream' });
  });

  it('lets an action header override the forwarded content type, whatever its case', async () => {
    const result = await renderAction(
      action({ body: null, headers: { 'Content-Type': 'application/vnd.custom+json' } }),
      ctx(),
    );
    expect(result.ok && result.request.headers).toEqual({ 'Content-Type': 'application/vnd.custom+json' });
    expect(result.ok && (result.request.body as Buffer).toString()).toBe(JSON.stringify(ctx().body));
  });

  it('sends an object result as JSON and a string result as text', async () => {
    const json = await renderAction(action({ body: '{"id": order.id, "who": order.customer}' }), ctx());
    expect(json).toEqual({
      ok: true,
      request: {
        method: 'POST',
        url: 'https://example.com/in',
        headers: { 'content-type': 'application/json' },
        body: '{"id":42,"who":"Ada Lovelace"}',
      },
    });
    const text = await renderAction(action({ body: '"Order " & order.id' }), ctx());
    expect(text.ok && text.request.body).toBe('Order 42');
    expect(text.ok && text.request.headers['content-type']).toBe('text/plain; charset=utf-8');
    const arr = await renderAction(action({ body: 'tags' }), ctx());
    expect(arr.ok && arr.request.body).toBe('["a","b"]');
    const num = await renderAction(action({ body: 'order.total' }), ctx());
    expect(num.ok && num.request).toMatchObject({
      body: '9.5',
      headers: { 'content-type': 'application/json' },
    });
    const none = await renderAction(action({ body: 'nothing.here' }), ctx());
    expect(none.ok && none.request).toMatchObject({ body: null, headers: {} });
  });

  it('percent-encodes placeholder values in the URL but not the literal parts', async () => {
    const result = await renderAction(
      action({ url: 'https://example.com/customers/{{ order.customer }}?q={{ "a&b=c/d" }}' }),
      ctx(),
    );
    expect(result.ok && result.request.url).toBe(
      'https://example.com/customers/Ada%20Lovelace?q=a%26b%3Dc%2Fd',
    );
  });

  it('binds $secrets, $event and $steps in headers, URL and body', async () => {
    const result = await renderAction(
      action({
        url: 'https://example.com/{{ $event.id }}',
        headers: { Authorization: 'Bearer {{ $secrets.TOKEN }}', 'X-Prev': '{{ $steps[0].body.ref }}' },
        body: '{"event": $event.headers."x-github-event", "prev": $steps[0].status}',
      }),
      ctx({ steps: [{ status: 201, headers: {}, body: { ref: 'r-1' } }] }),
    );
    expect(result).toEqual({
      ok: true,
      request: {
        method: 'POST',
        url: 'https://example.com/evt_1',
        headers: {
          'content-type': 'application/json',
          Authorization: 'Bearer s3cr3t-token',
          'X-Prev': 'r-1',
        },
        body: '{"event":"push","prev":201}',
      },
    });
  });

  it('reports where an expression failed, with its position', async () => {
    const bad = await renderAction(action({ headers: { 'X-A': 'v {{ $count( }}' } }), ctx());
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.where).toBe('headers.X-A');
    expect(bad.error.position).toBeGreaterThan(4);
    const body = await renderAction(action({ body: '$number("x")' }), ctx());
    expect(!body.ok && body.error.where).toBe('body');
  });
});

describe('evaluateFilter / evaluateWhen', () => {
  it('passes on null/blank, follows truthiness otherwise, and reports errors', async () => {
    expect(await evaluateFilter(null, ctx())).toEqual({ ok: true, pass: true });
    expect(await evaluateFilter('  ', ctx())).toEqual({ ok: true, pass: true });
    expect(await evaluateFilter('order.total > 5', ctx())).toEqual({ ok: true, pass: true });
    expect(await evaluateFilter('order.total > 50', ctx())).toEqual({ ok: true, pass: false });
    expect(await evaluateFilter('missing.field', ctx())).toEqual({ ok: true, pass: false });
    expect(await evaluateWhen('$secrets.TOKEN = "s3cr3t-token"', ctx())).toEqual({ ok: true, pass: true });
    const err = await evaluateFilter('order.total >', ctx());
    expect(err.ok).toBe(false);
    expect(!err.ok && err.error).toMatchObject({ where: 'filter', position: expect.any(Number) });
  });
});

describe('runContextFromEvent', () => {
  it('builds bindings from a stored event row', () => {
    const raw = Buffer.from('{"a":1}');
    const row = {
      id: 'evt_x',
      userId: 'usr_1',
      hookId: 'hk_1',
      source: 'webhook' as const,
      outcome: 'accepted' as const,
      rejectStatus: null,
      rejectReason: null,
      method: 'POST',
      path: '/h/tok',
      query: { x: '1' },
      headers: { 'X-Mixed-Case': 'v', 'content-type': 'application/json' },
      contentType: 'application/json',
      size: raw.length,
      bodyRaw: raw,
      bodyKind: 'json',
      bodyParsed: { a: 1 },
      sourceIp: '203.0.113.9',
      verification: null,
      dedupeKey: null,
      duplicateOf: null,
      meta: null,
      receivedAt: Date.UTC(2025, 0, 2, 3, 4, 5),
    };
    expect(eventBindingFromRow(row)).toEqual({
      id: 'evt_x',
      hookId: 'hk_1',
      method: 'POST',
      headers: { 'x-mixed-case': 'v', 'content-type': 'application/json' },
      query: { x: '1' },
      receivedAt: '2025-01-02T03:04:05.000Z',
      sourceIp: '203.0.113.9',
      source: 'webhook',
    });
    const c = runContextFromEvent(row, { S: 'v' }, []);
    expect(c.body).toEqual({ a: 1 });
    expect(c.rawBody?.equals(raw)).toBe(true);
    expect(c.contentType).toBe('application/json');
    expect(c.secrets).toEqual({ S: 'v' });
    expect(c.inputBytes).toBe(raw.length);
  });

  it("lets a stored event's plain filter and mapping skip the eval threads; a hand-made sample does not", async () => {
    const raw = Buffer.from('{"amount":150,"customer":"cus_1"}');
    const row = {
      id: 'evt_y',
      hookId: 'hk_1',
      source: 'webhook' as const,
      method: 'POST',
      query: {},
      headers: { 'content-type': 'application/json' },
      contentType: 'application/json',
      bodyRaw: raw,
      bodyKind: 'json',
      bodyParsed: null,
      sourceIp: null,
      receivedAt: Date.now(),
    };
    const relay = action({ body: '{"amount": amount, "customer": customer}' });
    const render = async (c: RunContext) => {
      const before = getJsonataPoolStats().jobs;
      const result = await renderActionIfDue(relay, c, 'amount > 100');
      return { body: result.ok && result.request?.body, jobs: getJsonataPoolStats().jobs - before };
    };
    const stored = runContextFromEvent(row, {}, []);
    await render(stored); // warm: a cold first evaluation can run past the inline budget and go to the pool
    expect(await render(stored)).toEqual({ body: '{"amount":150,"customer":"cus_1"}', jobs: 0 });
    const sample = { ...stored, inputBytes: undefined };
    expect(await render(sample)).toEqual({ body: '{"amount":150,"customer":"cus_1"}', jobs: 1 });
  });
});
