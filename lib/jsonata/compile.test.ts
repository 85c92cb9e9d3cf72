import { describe, expect, it } from 'vitest';
import { checkExpression, clearCompileCache, getCompileStats } from './compile';
import { isTruthy } from './truthy';

describe('checkExpression', () => {
  it('accepts a valid expression', () => {
    expect(checkExpression('$event.headers."x-github-event" = "push" and $count(commits) > 0')).toBeNull();
  });

  it('reports syntax errors with jsonata position, token and code', () => {
    expect(checkExpression('a + ')).toMatchObject({ code: 'S0207', position: 4, token: '(end)' });
    expect(checkExpression('{"a": 1}}')).toMatchObject({ code: 'S0201', position: 9, token: '}' });
    expect(checkExpression('  ')).toMatchObject({ code: 'EMPTY' });
  });

  it('refuses $eval wherever it appears, with the position of the $eval token', () => {
    expect(checkExpression('$eval("1 + 1")')).toEqual({
      message: '$eval is not allowed: expressions cannot evaluate strings as code',
      position: 5,
      token: 'eval',
      code: 'EVAL_REFUSED',
    });
    // Aliasing it first must not get it through.
    expect(checkExpression('( $e := $eval; $e("1") )')).toMatchObject({ code: 'EVAL_REFUSED', position: 13 });
    expect(checkExpression('payload.{ "x": $eval(code) }')).toMatchObject({
      code: 'EVAL_REFUSED',
      position: 20,
    });
    expect(checkExpression('$evaluate')).toBeNull(); // just an unbound variable with a similar name
  });

  it('refuses regex features re2js cannot run in linear time (backreferences, lookahead)', () => {
    expect(checkExpression('$match(a, /(x)\\1/)')).toMatchObject({ code: 'REGEX', position: 17 });
    expect(checkExpression('$match(a, /x(?=y)/)')).toMatchObject({ code: 'REGEX' });
    expect(checkExpression('$match(a, /(a+)+$/i)')).toBeNull();
  });

  it('compiles the same text once (LRU cache)', () => {
    clearCompileCache();
    const expr = 'order.lines[price > 10].sku';
    expect(checkExpression(expr)).toBeNull();
    expect(checkExpression(expr)).toBeNull();
    expect(checkExpression(expr + ' ')).toBeNull();
    expect(getCompileStats()).toEqual({ compiles: 2, hits: 1, size: 2 });
  });

  it('evicts the least recently used entry beyond 500 expressions', () => {
    clearCompileCache();
    checkExpression('first');
    for (let i = 0; i < 500; i++) checkExpression(`x${i}`);
    expect(getCompileStats().size).toBe(500);
    checkExpression('first');
    expect(getCompileStats().compiles).toBe(502); // 'first' was evicted and compiled again
  });
});

describe('isTruthy', () => {
  it.each([
    [undefined, false],
    [null, false],
    [0, false],
    [Number.NaN, false],
    ['', false],
    [[], false],
    [{}, false],
    [[0, ''], false],
    [[undefined], false],
    [true, true],
    [false, false],
    [1, true],
    ['x', true],
    [[0, 1], true],
    [['x'], true],
    [{ a: 0 }, true],
    [() => true, false],
  ])('isTruthy(%j) is %s', (value, expected) => {
    expect(isTruthy(value)).toBe(expected);
  });
});
