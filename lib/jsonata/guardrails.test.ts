import { afterAll, describe, expect, it } from 'vitest';
import { evaluateExpression, evaluateMany } from './evaluate';
import { getJsonataPoolStats, shutdownJsonataPool } from './pool';

afterAll(() => shutdownJsonataPool());

// One native $replace call over 5 million characters: jsonata only checks its timeout between
// evaluation steps, so this overruns it and must be stopped by the main-thread deadline.
const NATIVE_RUNAWAY = '$replace($pad("", 5000000, "a"), /a/, "b")';
const DOUBLINGS = Array.from({ length: 26 }, () => '$s := $s & $s;').join(' ');
// 2^27 characters flattened and copied twice: over the worker's 256 MB heap limit.
const MEMORY_BOMB = `( $s := "ab"; ${DOUBLINGS} $uppercase($s) ~> $length )`;

function elapsedSince(start: number): number {
  return Math.round(performance.now() - start);
}

/** Largest delay of a 5 ms timer observed on the main thread until `work` settles. */
async function measureEventLoopLag<T>(
  work: Promise<T>,
): Promise<{ result: T; maxLagMs: number; samples: number }> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  let maxLagMs = 0;
  let samples = 0;
  while (!settled) {
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    maxLagMs = Math.max(maxLagMs, performance.now() - start - 5);
    samples++;
  }
  return { result: await done, maxLagMs: Math.round(maxLagMs), samples };
}

describe('time box', () => {
  it('stops infinite recursion with jsonata timeout inside the worker', async () => {
    const before = getJsonataPoolStats();
    const result = await evaluateExpression('( $f := function($n){ $f($n+1) }; $f(0) )', {});
    expect(result).toMatchObject({
      ok: false,
      error: { message: 'Expression took longer than 1000 ms and was stopped', code: 'TIMEOUT' },
    });
    expect(getJsonataPoolStats().killed).toBe(before.killed); // jsonata's guardrail, not the kill
  });

  it('stops a tight $map over a huge range', async () => {
    const result = await evaluateExpression(
      '$sum($map([1..1000000], function($v) { $v * 2 }))',
      {},
      undefined,
      { timeoutMs: 300 },
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'TIMEOUT', message: 'Expression took longer than 300 ms and was stopped' },
    });
  });

  it('refuses ranges beyond the sequence length limit before allocating them', async () => {
    const result = await evaluateExpression('$count([1..5000000])', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'D2015' } });
  });

  it('caps $split, whose array jsonata builds natively outside the sequence limit', async () => {
    const result = await evaluateExpression('$count($split($pad("", 100000000, "a"), ""))', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'D2015' } });
    expect(await evaluateExpression('$split("a,b,c", ",", 2)', {})).toEqual({ ok: true, value: ['a', 'b'] });
  });
});

describe('depth limit', () => {
  it('stops deep non-tail recursion and allows moderate recursion', async () => {
    const recurse = (n: number) => `( $f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(${n}) )`;
    expect(await evaluateExpression(recurse(200), {})).toEqual({ ok: true, value: 200 });
    expect(await evaluateExpression(recurse(100000), {})).toMatchObject({
      ok: false,
      error: { code: 'D1011' },
    });
  });
});

describe('regex engine', () => {
  it('matches a catastrophic-backtracking pattern in linear time (re2js)', async () => {
    const start = performance.now();
    const result = await evaluateExpression(
      '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)',
      {},
    );
    const ms = elapsedSince(start);
    console.log(`[jsonata] (a+)+$ on 39 a's and "!": ${ms} ms`);
    expect(result).toEqual({ ok: true, value: undefined }); // no match, and no backtracking
    expect(ms).toBeLessThan(1000);
  });
});

describe('main-thread deadline', () => {
  it('kills a worker stuck in one long native call, respawns it, and the next evaluation works', async () => {
    const before = getJsonataPoolStats();
    const start = performance.now();
    const { result, maxLagMs, samples } = await measureEventLoopLag(evaluateExpression(NATIVE_RUNAWAY, {}));
    const killedAfterMs = elapsedSince(start);
    expect(result).toEqual({
      ok: false,
      error: { message: 'Expression took longer than 1000 ms and was stopped', code: 'TIMEOUT' },
    });
    expect(getJsonataPoolStats().killed).toBe(before.killed + 1);

    const respawnStart = performance.now();
    expect(await evaluateExpression('1 + 1', {})).toEqual({ ok: true, value: 2 });
    const nextEvalMs = elapsedSince(respawnStart);
    console.log(
      `[jsonata] runaway stopped after ${killedAfterMs} ms (deadline 1500 ms); main-thread max timer lag ${maxLagMs} ms over ${samples} samples; ` +
        `next evaluation ${nextEvalMs} ms; worker startup ${getJsonataPoolStats().lastStartupMs} ms`,
    );
    expect(killedAfterMs).toBeGreaterThanOrEqual(1500);
    expect(killedAfterMs).toBeLessThan(3000);
    // A runaway on the main thread would show a lag of ~1500 ms here.
    expect(maxLagMs).toBeLessThan(200);
  });

  it('fails only the runaway item of a batch; the rest is evaluated by the respawned worker', async () => {
    const results = await evaluateMany(
      [
        { expr: '"before"', kind: 'expression' },
        { expr: NATIVE_RUNAWAY, kind: 'expression' },
        { expr: '"after"', kind: 'expression' },
      ],
      {},
      undefined,
      { timeoutMs: 200 },
    );
    expect(results).toEqual([
      { ok: true, value: 'before' },
      {
        ok: false,
        error: { message: 'Expression took longer than 200 ms and was stopped', code: 'TIMEOUT' },
      },
      { ok: true, value: 'after' },
    ]);
  });

  it('runs other evaluations on the second worker while one is stuck', async () => {
    const runaway = evaluateExpression(NATIVE_RUNAWAY, {});
    const start = performance.now();
    expect(await evaluateExpression('"still served"', {})).toEqual({ ok: true, value: 'still served' });
    expect(elapsedSince(start)).toBeLessThan(1000);
    expect(await runaway).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });
});

describe('worker crash', () => {
  it('fails only the call whose worker ran out of memory', async () => {
    const before = getJsonataPoolStats();
    const [bomb, other] = await Promise.all([
      // A time box far beyond what the doublings take, so that on a loaded machine (a full `npm test` took 1 s to
      // reach the limit once) the memory limit, not the clock, stops it.
      evaluateExpression(MEMORY_BOMB, {}, undefined, { timeoutMs: 10_000 }),
      evaluateExpression('"fine"', {}),
    ]);
    expect(bomb).toEqual({
      ok: false,
      error: { message: 'Expression used too much memory and was stopped', code: 'MEMORY' },
    });
    expect(other).toEqual({ ok: true, value: 'fine' });
    expect(getJsonataPoolStats().crashed).toBe(before.crashed + 1);
    expect(await evaluateExpression('"after crash"', {})).toEqual({ ok: true, value: 'after crash' });
  });
});
