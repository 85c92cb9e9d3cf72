import { describe, expect, it } from 'vitest';
import { newId } from './ids';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const decode = (digits: string) => [...digits].reduce((n, c) => n * 32n + BigInt(CROCKFORD.indexOf(c)), 0n);

describe('newId', () => {
  it('is a prefix, 10 digits of milliseconds and 16 random digits', () => {
    const before = Date.now();
    const id = newId('evt');
    expect(id).toMatch(/^evt_[0-9a-hjkmnp-tv-z]{26}$/);
    const ms = Number(decode(id.slice(4, 14)));
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });

  it('sorts later ids later, counting up by one within a millisecond', () => {
    const ids = Array.from({ length: 2000 }, () => newId('run'));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    // The millisecond that holds the most ids (the first id may well be the last of its millisecond).
    const byMs = new Map<string, string[]>();
    for (const id of ids) byMs.set(id.slice(4, 14), [...(byMs.get(id.slice(4, 14)) ?? []), id]);
    const sameMs = [...byMs.values()].reduce((a, b) => (b.length > a.length ? b : a));
    expect(sameMs.length).toBeGreaterThan(1);
    for (let i = 1; i < sameMs.length; i++) {
      expect(decode(sameMs[i]!.slice(14))).toBe(decode(sameMs[i - 1]!.slice(14)) + 1n);
    }
  });

  it('spreads the random digits over all 80 bits', () => {
    const firstDigits = new Set(Array.from({ length: 400 }, () => newId('x').slice(12, 13)));
    // A new millisecond draws new random bytes; over a few hundred ids the leading digit must vary.
    const leading = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const start = Date.now();
      while (Date.now() === start);
      leading.add(newId('x').slice(12, 13));
    }
    expect(firstDigits.size + leading.size).toBeGreaterThan(2);
  });
});
