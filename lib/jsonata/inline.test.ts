import jsonata from 'jsonata';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateExpression, evaluateMany } from './evaluate';
import { INLINE_MAX_INPUT_BYTES, isPlainExpression } from './inline';
import { getJsonataPoolStats, shutdownJsonataPool } from './pool';

afterAll(() => shutdownJsonataPool());

const body = {
  amount: 150,
  customer: 'cus_1',
  order: {
    id: 42,
    lines: [
      { sku: 'a', qty: 2 },
      { sku: 'b', qty: 3 },
    ],
    note: null,
  },
  flags: [true, false],
};
const bindings = {
  event: { id: 'evt_1', method: 'POST', headers: { 'x-kind': 'order' }, query: { ref: 'main' } },
  secrets: { API_KEY: 'sk_live_x' },
  steps: [{ status: 201, headers: {}, body: { id: 'r1' } }],
};
const SMALL = JSON.stringify(body).length;

/** The next turn of the event loop: the inline evaluations' share of a turn starts again. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Pool round trips made while `work` ran. */
async function poolJobsDuring<T>(work: () => Promise<T>): Promise<{ result: T; jobs: number }> {
  const before = getJsonataPoolStats().jobs;
  const result = await work();
  return { result, jobs: getJsonataPoolStats().jobs - before };
}

const PLAIN = [
  'amount > 100',
  '{"amount": amount, "customer": customer}',
  'order.lines.sku',
  'order.lines.qty',
  '$.order.id & "-" & $$.customer',
  '$event.headers."x-kind"',
  '$event.query.ref = "main" and amount >= 150',
  '$secrets.API_KEY',
  '[amount, -amount, amount * 2 / 3, amount % 7]',
  'order.note ? "noted" : "none"',
  '(order.id; customer)',
  'missing.field',
  'order',
  'flags',
  '{"nested": {"id": order.id, "lines": order.lines}}',
  '"a" + 1', // a type error: the same error either way
  'amount < "x"',
];

const NOT_PLAIN = [
  '$string(amount)', // a function call
  'order.lines[0]', // a predicate
  'order.lines[qty > 2].sku',
  '$steps.body', // earlier responses: not bounded by the input
  '[1..3]', // a range
  '**.sku', // descendants
  '*.id', // a wildcard
  'amount in [1, 2]',
  'order.lines{sku: qty}', // grouping
  '($x := 1; $x)', // a binding: could hold a function
  'function($n) { $n }(1)',
  'order.lines.(qty)', // a block after the first step runs once per item
  'order.lines.$$', // so would the root
  'order.lines#$i.sku',
  'order.lines@$l.sku',
  'order.lines[]',
  '$uppercase~>$lowercase',
  '/a+/',
  `[${Array.from({ length: 70 }, () => 'amount').join(', ')}]`, // too many nodes
];

describe('plain expressions on the calling thread', () => {
  it.each(PLAIN)('%s is plain', (expr) => {
    expect(isPlainExpression(jsonata(expr).ast())).toBe(true);
  });

  it.each(NOT_PLAIN)('%s is not plain', (expr) => {
    expect(isPlainExpression(jsonata(expr).ast())).toBe(false);
  });

  it('evaluates plain expressions without a round trip to the pool, with the results and errors of the pool', async () => {
    const items = PLAIN.map((expr) => ({ expr, kind: 'expression' as const }));
    // The first evaluations also pay for compiling jsonata's own code: warm each, in a turn of its own.
    for (const item of items) {
      await evaluateMany([item], body, bindings, { inputBytes: SMALL });
      await nextTurn();
    }
    const pooled = await poolJobsDuring(() => evaluateMany(items, body, bindings));
    expect(pooled.jobs).toBe(1);
    await nextTurn();
    const inline = await poolJobsDuring(() => evaluateMany(items, body, bindings, { inputBytes: SMALL }));
    expect(inline.jobs).toBe(0);
    expect(inline.result).toEqual(pooled.result);
    // The error really is one, and the sequences are plain arrays as the pool returns them.
    expect(inline.result[PLAIN.indexOf('"a" + 1')]).toMatchObject({ ok: false, error: { code: 'T2001' } });
    const skus = inline.result[PLAIN.indexOf('order.lines.sku')] as { ok: true; value: unknown };
    expect(skus.value).toEqual(['a', 'b']);
    expect(Object.keys(skus.value as object)).toEqual(['0', '1']);
  });

  it('sends only the other expressions of a batch to the pool', async () => {
    const { result, jobs } = await poolJobsDuring(() =>
      evaluateMany(
        [
          { expr: 'amount > 100', kind: 'expression' },
          { expr: '$sum(order.lines.qty)', kind: 'expression' },
          { expr: 'https://x.example/{{ customer }}/{{ $lowercase("A") }}', kind: 'template-url' },
        ],
        body,
        bindings,
        { inputBytes: SMALL },
      ),
    );
    expect(jobs).toBe(1);
    expect(result).toEqual([
      { ok: true, value: true },
      { ok: true, value: 5 },
      { ok: true, value: 'https://x.example/cus_1/a' },
    ]);
  });

  it('leaves unknown, large and array inputs to the pool', async () => {
    const run = (input: unknown, inputBytes?: number) =>
      poolJobsDuring(() => evaluateExpression('customer', input, bindings, { inputBytes }));
    expect(await run(body)).toEqual({ result: { ok: true, value: 'cus_1' }, jobs: 1 });
    expect(await run(body, INLINE_MAX_INPUT_BYTES + 1)).toEqual({
      result: { ok: true, value: 'cus_1' },
      jobs: 1,
    });
    expect(await run([body, body], SMALL * 2)).toEqual({
      result: { ok: true, value: ['cus_1', 'cus_1'] },
      jobs: 1,
    });
    expect(await run(body, SMALL)).toEqual({ result: { ok: true, value: 'cus_1' }, jobs: 0 });
  });

  it('hands the rest of a turn to the pool once its inline evaluations took their share of the event loop', async () => {
    // Each well under its own budget, but fifty back to back would hold up I/O. (Interleaved instead of one at a
    // time, each would start before any had taken time, and all would stay inline.)
    const input = { a: Array.from({ length: 5_000 }, (_, i) => ({ b: i })) };
    const bytes = JSON.stringify(input).length;
    expect(bytes).toBeLessThan(INLINE_MAX_INPUT_BYTES);
    const one = () => evaluateExpression('a.b', input, {}, { inputBytes: bytes });
    const fifty = () => Promise.all(Array.from({ length: 50 }, one));
    // Warm: cold, one evaluation alone can run past its own budget.
    for (let i = 0; i < 3; i++) {
      await fifty();
      await nextTurn();
    }
    const { result, jobs } = await poolJobsDuring(fifty);
    // Well over 0.1 ms each once warm (5,000 items): all fifty would stay inline but for the turn's share.
    expect(jobs).toBeGreaterThan(10);
    expect(result.every((r) => r.ok && (r.value as number[]).length === 5_000)).toBe(true);
    // The next turn starts inline again.
    await nextTurn();
    const small = () => evaluateExpression('customer', body, {}, { inputBytes: SMALL });
    expect(await poolJobsDuring(small)).toEqual({ result: { ok: true, value: 'cus_1' }, jobs: 0 });
  });

  it('hands an evaluation that runs past its budget to the pool', async () => {
    // 8,000 items in under 64 KiB, walked 20 times: tens of milliseconds, past the inline budget.
    const input = { a: Array.from({ length: 8_000 }, () => ({ b: 1 })) };
    const bytes = JSON.stringify(input).length;
    expect(bytes).toBeLessThan(INLINE_MAX_INPUT_BYTES);
    const expr = `[${Array.from({ length: 20 }, () => 'a.b').join(', ')}]`;
    expect(isPlainExpression(jsonata(expr).ast())).toBe(true);
    const { result, jobs } = await poolJobsDuring(() =>
      evaluateExpression(expr, input, {}, { inputBytes: bytes }),
    );
    expect(jobs).toBe(1);
    expect(result.ok && (result.value as unknown[]).length).toBe(160_000);
  });
});
