import { afterAll, describe, expect, it } from 'vitest';
import { evaluateExpression, evaluateMany } from './evaluate';
import { getJsonataPoolStats, shutdownJsonataPool } from './pool';

afterAll(() => shutdownJsonataPool());

const event = {
  id: 'evt_1',
  hookId: 'hk_1',
  method: 'POST',
  headers: { 'x-github-event': 'push' },
  query: { ref: 'main' },
  receivedAt: '2025-01-01T00:00:00.000Z',
  sourceIp: '203.0.113.7',
  source: 'webhook',
};

describe('evaluateExpression', () => {
  it('binds $ to the body, and $event, $secrets, $steps', async () => {
    const body = {
      order: {
        id: 42,
        lines: [
          { sku: 'a', qty: 2 },
          { sku: 'b', qty: 3 },
        ],
      },
    };
    const bindings = {
      event,
      secrets: { API_KEY: 'sk_live_x' },
      steps: [{ status: 201, headers: {}, body: { id: 'r1' } }],
    };
    const result = await evaluateExpression(
      '{"order": $.order.id, "qty": $sum(order.lines.qty), "kind": $event.headers."x-github-event", "ref": $event.query.ref, "key": $secrets.API_KEY, "prev": $steps[0].body.id, "status": $steps[0].status}',
      body,
      bindings,
    );
    expect(result).toEqual({
      ok: true,
      value: { order: 42, qty: 5, kind: 'push', ref: 'main', key: 'sk_live_x', prev: 'r1', status: 201 },
    });
  });

  it('accepts text and form bodies as input', async () => {
    expect(await evaluateExpression('$uppercase($)', 'plain text')).toEqual({
      ok: true,
      value: 'PLAIN TEXT',
    });
    expect(await evaluateExpression('email', { email: 'a@example.com' })).toEqual({
      ok: true,
      value: 'a@example.com',
    });
  });

  it('returns undefined for no match and plain values for sequences and functions', async () => {
    expect(await evaluateExpression('missing.field', { a: 1 })).toEqual({ ok: true, value: undefined });
    const seq = await evaluateExpression('items.id', { items: [{ id: 1 }, { id: 2 }] });
    expect(seq).toEqual({ ok: true, value: [1, 2] });
    expect(Object.keys((seq as { value: object }).value)).toEqual(['0', '1']); // no `sequence` flag leaks out
    expect(await evaluateExpression('function($x) { $x }', {})).toEqual({ ok: true, value: undefined });
    expect(await evaluateExpression('{"f": $uppercase, "n": 1}', {})).toEqual({ ok: true, value: { n: 1 } });
  });

  it('returns jsonata runtime errors with position, token and code', async () => {
    const result = await evaluateExpression('$number("abc") + $undefinedFn(1)', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'D3030', position: 8, token: 'number' } });
  });

  it('returns syntax errors without a round-trip to the pool', async () => {
    const before = getJsonataPoolStats().jobs;
    const result = await evaluateExpression('a.b[', {});
    expect(result).toEqual({
      ok: false,
      error: { message: 'Expected "]" before end of expression', position: 4, token: '(end)', code: 'S0203' },
    });
    expect(getJsonataPoolStats().jobs).toBe(before);
  });

  it('refuses $eval even if the save-time check was skipped', async () => {
    expect(await evaluateExpression('$eval("1+1")', {})).toMatchObject({
      ok: false,
      error: { code: 'EVAL_REFUSED', position: 5 },
    });
  });

  it('runs regexes through re2js', async () => {
    expect(await evaluateExpression('$replace("a-b-c", /-/, "+")', {})).toEqual({ ok: true, value: 'a+b+c' });
    expect(await evaluateExpression('$split("a1b22c", /\\d+/)', {})).toEqual({
      ok: true,
      value: ['a', 'b', 'c'],
    });
    expect(await evaluateExpression('$match("Ab ab", /(a)b/i).groups', {})).toEqual({
      ok: true,
      value: ['A', 'a'],
    });
    expect(await evaluateExpression('$contains("héllo", /l+o$/)', {})).toEqual({ ok: true, value: true });
  });
});

describe('evaluateMany', () => {
  it('evaluates expressions and templates for one input in one round-trip', async () => {
    const before = getJsonataPoolStats().jobs;
    const results = await evaluateMany(
      [
        { expr: 'amount > 100', kind: 'expression' },
        { expr: 'https://api.example.com/orders/{{ id }}?note={{ note }}', kind: 'template-url' },
        { expr: 'Bearer {{ $secrets.TOKEN }}', kind: 'template-header' },
        { expr: 'amount >', kind: 'expression' },
        { expr: '{"total": amount * 2}', kind: 'expression' },
      ],
      { id: 'A/1', note: 'a&b', amount: 150 },
      { secrets: { TOKEN: 't0k' } },
    );
    expect(results).toEqual([
      { ok: true, value: true },
      { ok: true, value: 'https://api.example.com/orders/A%2F1?note=a%26b' },
      { ok: true, value: 'Bearer t0k' },
      { ok: false, error: expect.objectContaining({ code: 'S0207' }) },
      { ok: true, value: { total: 300 } },
    ]);
    expect(getJsonataPoolStats().jobs).toBe(before + 1);
  });

  it('keeps evaluating the rest of a batch after one expression fails', async () => {
    const results = await evaluateMany(
      [
        { expr: '$number("x")', kind: 'expression' },
        { expr: '1 + 1', kind: 'expression' },
      ],
      {},
    );
    expect(results).toEqual([
      { ok: false, error: expect.objectContaining({ code: 'D3030' }) },
      { ok: true, value: 2 },
    ]);
  });
});
