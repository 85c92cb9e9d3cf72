import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function takeMany(limiter: RateLimiter, key: string, n: number, perSecond: number, burst: number) {
  return Array.from({ length: n }, () => limiter.take(key, perSecond, burst).ok);
}

describe('RateLimiter', () => {
  it('allows a burst, then refuses with a Retry-After', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ now: clock.now });
    expect(takeMany(limiter, 'hook', 5, 1, 5)).toEqual([true, true, true, true, true]);
    expect(limiter.take('hook', 1, 5)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('refills at the configured rate', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ now: clock.now });
    takeMany(limiter, 'hook', 10, 10, 10);
    expect(limiter.take('hook', 10, 10).ok).toBe(false);
    clock.advance(99);
    expect(limiter.take('hook', 10, 10).ok).toBe(false);
    clock.advance(1); // 100 ms at 10/s is exactly one token (the refused takes cost nothing)
    expect(limiter.take('hook', 10, 10).ok).toBe(true);
    expect(limiter.take('hook', 10, 10).ok).toBe(false);
    clock.advance(60_000);
    expect(takeMany(limiter, 'hook', 11, 10, 10)).toEqual([...Array<boolean>(10).fill(true), false]);
  });

  it('computes Retry-After from the refill rate, rounding up', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ now: clock.now });
    expect(limiter.take('slow', 0.1, 1).ok).toBe(true);
    expect(limiter.take('slow', 0.1, 1)).toEqual({ ok: false, retryAfterSeconds: 10 });
    clock.advance(2_500);
    expect(limiter.take('slow', 0.1, 1)).toEqual({ ok: false, retryAfterSeconds: 8 });
  });

  it('keeps keys independent', () => {
    const limiter = new RateLimiter({ now: manualClock().now });
    expect(takeMany(limiter, 'a', 3, 1, 2)).toEqual([true, true, false]);
    expect(limiter.take('b', 1, 2).ok).toBe(true);
  });

  it('does not mint tokens when the clock steps backwards', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ now: clock.now });
    takeMany(limiter, 'hook', 2, 1, 2);
    clock.advance(-60_000);
    expect(limiter.take('hook', 1, 2).ok).toBe(false);
  });

  it('forgets buckets once they have refilled, so idle keys cost no memory', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ now: clock.now });
    for (let i = 0; i < 100; i++) limiter.take(`hook-${i}`, 10, 10);
    expect(limiter.size).toBe(100);
    clock.advance(1_000); // every bucket is full again
    for (let i = 0; i < 60; i++) limiter.take('busy', 1_000, 1_000);
    expect(limiter.size).toBe(1); // two idle buckets go per call; only 'busy' remains
  });

  it('forgets idle buckets behind a busy one within a second', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ now: clock.now });
    limiter.take('busy', 1, 1_000); // first in line, and far from full all along
    for (let i = 0; i < 100; i++) limiter.take(`hook-${i}`, 10, 10);
    clock.advance(999);
    for (let i = 0; i < 10; i++) limiter.take('busy', 1, 1_000);
    expect(limiter.size).toBe(101); // 'busy' is still first in line, and not idle
    clock.advance(1);
    for (let i = 0; i < 60; i++) limiter.take('busy', 1, 1_000);
    expect(limiter.size).toBe(1); // a second after it last moved, it moved to the back
  });

  it('never remembers more than maxBuckets keys', () => {
    const limiter = new RateLimiter({ now: manualClock().now, maxBuckets: 50 });
    for (let i = 0; i < 1_000; i++) limiter.take(`ip-${i}`, 1, 1);
    expect(limiter.size).toBe(50);
    // The most recent key is still limited; only the least recently used were dropped.
    expect(limiter.take('ip-999', 1, 1).ok).toBe(false);
  });

  it('treats a burst below one as one and rejects non-positive rates', () => {
    const limiter = new RateLimiter({ now: manualClock().now });
    expect(limiter.take('k', 1, 0).ok).toBe(true);
    expect(() => limiter.take('k', 0, 5)).toThrow(RangeError);
  });
});
