import jsonata from 'jsonata';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateExpression, evaluateMany } from './evaluate';
import { INLINE_MAX_INPUT_BYTES, isPlainExpression } from './inline';
import { getJsonataPoolStats, shutdownJsonataPool } from './pool';
import type { EvalResult } from './types';

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
  currency: 'eur',
  name: '  Ada \n Lovelace ',
  createdAt: '2024-05-01T12:00:00.000Z',
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

// Calls of the built-ins a plain expression may call, errors among them.
const CALLS = [
  '{"amount": amount, "currency": $uppercase(currency), "customer": customer}', // bench/delivery.ts's mapping
  '$string(amount)',
  '$string(order)',
  '$string()', // the context: the input
  '$number("12.5") + $number("0x1F") + $number(true)',
  '$number("abc")',
  '$boolean(order.lines) and $not(order.note) and $exists(order.id) and $exists(order.missing)',
  '$uppercase(amount)', // not a string
  '$uppercase()', // the context (the input) is not a string either
  '$lowercase("ÀB") & $uppercase("ΐß")',
  '$trim(name)',
  '$length(name) + $length(customer)',
  '$substring(customer, 1, 2) & $substring(customer, -1)',
  '$substringBefore(customer, "_") & $substringAfter(customer, "_")',
  '$substringBefore("_")',
  '$contains(customer, "_1") = true and $contains(customer, "x") = false',
  '[$abs(-amount), $floor(2.7), $ceil(2.1), $round(2.345, 2), $round(2.5), $sqrt(amount), $power(2, 10)]',
  '$sqrt(-1)',
  '$power(10, 400)',
  '[$count(order.lines), $sum(order.lines.qty), $max(order.lines.qty)]',
  '[$min(order.lines.qty), $average(order.lines.qty)]',
  '$sum(order.lines.sku)',
  '$count(order.missing) + $sum(order.missing)',
  '{"keys": $keys(order), "lineKeys": $keys(order.lines)}',
  '{"id": $lookup(order, "id"), "skus": $lookup(order.lines, "sku")}',
  '$join(order.lines.sku, ", ") & "/" & $join(order.lines.sku)',
  '$join(order.lines.qty, ",")',
  '$append(order.lines.sku, customer)',
  '[$type(order), $type(flags), $type(amount), $type(order.note), $type(customer)]',
  '$base64decode($base64encode(customer))',
  '$encodeUrlComponent("a b&c/€") & " " & $encodeUrl("https://x.example/a b?q=€")',
  '$decodeUrlComponent("a%20b%26c") & $decodeUrl("https://x.example/a%20b")',
  '$decodeUrlComponent("%E0%A4%A")',
  '$fromMillis(1700000000000)',
  '$toMillis(createdAt)',
  '$toMillis("2024-05-01T12:00:00")', // local time: the process's time zone, the same in every thread
  '$toMillis("yesterday")',
  '$toMillis($now()) = $millis()',
  '$lowercase($event.headers."x-kind") & $encodeUrlComponent($secrets.API_KEY)',
  '$uppercase($substringAfter(customer, "_") & $trim(name))',
  '$string([$join(order.lines.sku, "|"), $count(order.lines), $substringAfter(customer, "_")])',
];

const NOT_PLAIN = [
  '$steps(1)', // not a built-in
  '$foo(amount)',
  '$uppercase', // a function as a value
  '$millis',
  '$uppercase(function($s) { $s })', // a lambda argument
  '$substring(?, 1)', // a partial application
  '$contains(customer, /cus/)', // a regex
  '$contains(customer, customer)', // a pattern that is no literal
  '$contains("cus")', // the context as the string, the only argument as the pattern
  '$join(order.lines.sku, customer)',
  '$join(order.lines.sku, " and also ")', // a long separator, repeated per item
  '$string(order, true)', // prettified
  '$now("[Y0001]")', // pictures
  '$fromMillis(0, "[Y,1000000]")',
  '$toMillis(createdAt, "[Y0001]-[M01]-[D01]")',
  '$uppercase(customer, "x")', // more arguments than the signature
  '$string([$string([order])])', // output growing on output
  '$encodeUrlComponent($encodeUrlComponent(customer))',
  '$uppercase($lowercase(customer))',
  '$string({"a": [$base64encode(customer)]})',
  '$uppercase(customer)[0]',
  '$uppercase(customer)#$i',
  'customer ~> $uppercase()',
  'order.lines.$string(sku)', // a call after the first step runs once per item
  '$pad(customer, 10)',
  '$replace(customer, "c", "d")',
  '$split(customer, "_")',
  '$match(customer, /c/)',
  '$eval("1")',
  '$map(flags, $not)',
  '$filter(flags, $boolean)',
  '$reduce(order.lines.qty, $sum)',
  '$sort(order.lines.qty)',
  '$each(order, $string)',
  '$sift(order, $exists)',
  '$single(flags)',
  '$zip(flags, flags)',
  '$spread(order)',
  '$merge([order, order])',
  '$distinct(flags)',
  '$reverse(flags)',
  '$shuffle(flags)',
  '$random()',
  '$clone(order)',
  '$formatNumber(amount, "#,##0.00")',
  '$formatBase(amount, 2)',
  '$formatInteger(amount, "w")',
  '$parseInteger("12", "#0")',
  '$error("x")',
  '$assert(false, "x")',
  `$string([${Array.from({ length: 40 }, () => 'amount').join(', ')}])`, // too many nodes with the call
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

  it.each(CALLS)('%s is plain', (expr) => {
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
    // Eight a turn: well inside a turn's 5 ms budget for inline evaluations (inline.ts), even with a young GC in it on
    // a busy machine. All of them in one turn went past it once in a full `npm test`, and one went to the pool.
    const inline = { jobs: 0, result: [] as EvalResult[] };
    for (let i = 0; i < items.length; i += 8) {
      await nextTurn();
      const part = await poolJobsDuring(() =>
        evaluateMany(items.slice(i, i + 8), body, bindings, { inputBytes: SMALL }),
      );
      inline.jobs += part.jobs;
      inline.result.push(...part.result);
    }
    expect(inline.jobs).toBe(0);
    expect(inline.result).toEqual(pooled.result);
    // The error really is one, and the sequences are plain arrays as the pool returns them.
    expect(inline.result[PLAIN.indexOf('"a" + 1')]).toMatchObject({ ok: false, error: { code: 'T2001' } });
    const skus = inline.result[PLAIN.indexOf('order.lines.sku')] as { ok: true; value: unknown };
    expect(skus.value).toEqual(['a', 'b']);
    expect(Object.keys(skus.value as object)).toEqual(['0', '1']);
  });

  it('evaluates calls of built-ins without a round trip to the pool, with the results and errors of the pool', async () => {
    const items = CALLS.map((expr) => ({ expr, kind: 'expression' as const }));
    const pooled = await poolJobsDuring(() => evaluateMany(items, body, bindings));
    expect(pooled.jobs).toBe(1);
    // One a turn, each warmed first: the first call of a built-in also pays for compiling it.
    const inline: EvalResult[] = [];
    for (const item of items) {
      await evaluateMany([item], body, bindings, { inputBytes: SMALL });
      await nextTurn();
      const { result, jobs } = await poolJobsDuring(() =>
        evaluateMany([item], body, bindings, { inputBytes: SMALL }),
      );
      expect({ expr: item.expr, jobs }).toEqual({ expr: item.expr, jobs: 0 });
      inline.push(result[0]);
    }
    expect(inline).toEqual(pooled.result);
    const resultOf = (expr: string) => inline[CALLS.indexOf(expr)];
    expect(resultOf(CALLS[0])).toEqual({
      ok: true,
      value: { amount: 150, currency: 'EUR', customer: 'cus_1' },
    });
    expect(resultOf('$toMillis($now()) = $millis()')).toEqual({ ok: true, value: true });
    const errors: [string, string][] = [
      ['$number("abc")', 'D3030'],
      ['$uppercase(amount)', 'T0410'],
      ['$uppercase()', 'T0411'],
      ['$sqrt(-1)', 'D3060'],
      ['$power(10, 400)', 'D3061'],
      ['$sum(order.lines.sku)', 'T0412'],
      ['$join(order.lines.qty, ",")', 'T0412'],
      ['$decodeUrlComponent("%E0%A4%A")', 'D3140'],
      ['$toMillis("yesterday")', 'D3110'],
    ];
    for (const [expr, code] of errors) {
      expect({ expr, result: resultOf(expr) }).toMatchObject({
        expr,
        result: { ok: false, error: { code } },
      });
    }
  });

  it('hands a call that overflows the stack of this thread, smaller than an eval thread, to the pool', async () => {
    const cases = [
      // Math.max.apply: 300,000 arguments on the stack.
      {
        expr: `$max([${Array.from({ length: 10 }, () => 'n').join(', ')}])`,
        input: { n: Array(30_000).fill(1) },
      },
      // JSON.stringify with jsonata's replacer, 3,000 arrays deep.
      {
        expr: '$string(a)',
        input: { a: JSON.parse(`${'['.repeat(3_000)}1${']'.repeat(3_000)}`) as unknown },
      },
    ];
    for (const { expr, input } of cases) {
      const bytes = JSON.stringify(input).length;
      expect(bytes).toBeLessThan(INLINE_MAX_INPUT_BYTES);
      expect(isPlainExpression(jsonata(expr).ast())).toBe(true);
      await expect(jsonata(expr).evaluate(input)).rejects.toBeInstanceOf(RangeError);
      const pooled = await evaluateExpression(expr, input);
      expect(pooled.ok).toBe(true);
      await nextTurn();
      const inline = await poolJobsDuring(() => evaluateExpression(expr, input, {}, { inputBytes: bytes }));
      expect(inline).toEqual({ result: pooled, jobs: 1 });
    }
  });

  it('sends only the other expressions of a batch to the pool', async () => {
    const { result, jobs } = await poolJobsDuring(() =>
      evaluateMany(
        [
          { expr: 'amount > 100', kind: 'expression' },
          { expr: '$reverse(order.lines.qty)', kind: 'expression' },
          { expr: 'https://x.example/{{ customer }}/{{ $replace("A", "A", "a") }}', kind: 'template-url' },
        ],
        body,
        bindings,
        { inputBytes: SMALL },
      ),
    );
    expect(jobs).toBe(1);
    expect(result).toEqual([
      { ok: true, value: true },
      { ok: true, value: [3, 2] },
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
