import { describe, expect, it } from 'vitest';
import type { OutboundResult } from '@/lib/delivery/http-client';
import {
  DEFAULT_RETRY_DELAYS_MS,
  nextRetryDelayMs,
  parseRetryAfter,
  shouldRetry,
} from '@/lib/delivery/retry-policy';

function withStatus(status: number, headers: Record<string, string> = {}): OutboundResult {
  const error =
    status >= 300 && status < 400
      ? { kind: 'redirect' as const, message: 'Redirect to /x not followed' }
      : null;
  return {
    response: { status, headers, body: '', bodyTruncated: false, bodyEncoding: 'utf8' },
    durationMs: 5,
    error,
  };
}

function withError(kind: NonNullable<OutboundResult['error']>['kind']): OutboundResult {
  return { response: null, durationMs: 5, error: { kind, message: kind } };
}

describe('shouldRetry', () => {
  it.each([
    [withError('network'), true],
    [withError('timeout'), true],
    [withStatus(408), true],
    [withStatus(425), true],
    [withStatus(429), true],
    [withStatus(500), true],
    [withStatus(502), true],
    [withStatus(503), true],
    [withStatus(599), true],
    [withError('blocked'), false],
    [withError('invalid_url'), false],
    [withError('invalid_request'), false],
    [withStatus(200), false],
    [withStatus(204), false],
    [withStatus(301), false],
    [withStatus(302), false],
    [withStatus(400), false],
    [withStatus(401), false],
    [withStatus(403), false],
    [withStatus(404), false],
    [withStatus(410), false],
    [withStatus(422), false],
  ])('%# → retry %s', (result, retry) => {
    const verdict = shouldRetry(result);
    expect(verdict.retry).toBe(retry);
    expect(verdict.reason).not.toBe('');
  });

  it('retries a timeout that happened after the headers arrived', () => {
    expect(shouldRetry({ ...withStatus(200), error: { kind: 'timeout', message: 'slow body' } }).retry).toBe(
      true,
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it.each([
    ['0', 0],
    ['7', 7_000],
    [' 120 ', 120_000],
    ['3600', 3_600_000],
    ['86400', 3_600_000],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Wed, 01 Jan 2025 05:00:00 GMT', 3_600_000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
  ])('%j → %d ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([undefined, '', '-5', '1.5', 'soon', '12 apples and Mondays'])('%j → null', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });
});

describe('nextRetryDelayMs', () => {
  const mid = () => 0.5;

  it('walks the backoff table and stops after the last attempt', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => nextRetryDelayMs(n, 10, withStatus(503), mid));
    expect(delays).toEqual([...DEFAULT_RETRY_DELAYS_MS, DEFAULT_RETRY_DELAYS_MS.at(-1)]);
    expect(nextRetryDelayMs(10, 10, withStatus(503), mid)).toBeNull();
    expect(nextRetryDelayMs(1, 1, withError('network'), mid)).toBeNull();
  });

  it('applies ±20 % jitter', () => {
    expect(nextRetryDelayMs(2, 5, withError('timeout'), () => 0)).toBe(4_000);
    expect(nextRetryDelayMs(2, 5, withError('timeout'), () => 0.999999)).toBe(6_000);
    expect(nextRetryDelayMs(3, 5, withError('timeout'), () => 0.25)).toBe(27_000);
  });

  it('gives up at once on final failures', () => {
    expect(nextRetryDelayMs(1, 5, withStatus(404), mid)).toBeNull();
    expect(nextRetryDelayMs(1, 5, withStatus(302), mid)).toBeNull();
    expect(nextRetryDelayMs(1, 5, withError('blocked'), mid)).toBeNull();
  });

  it('honours Retry-After in seconds and as a date, capped at one hour', () => {
    expect(nextRetryDelayMs(1, 5, withStatus(429, { 'retry-after': '42' }), mid)).toBe(42_000);
    expect(nextRetryDelayMs(1, 5, withStatus(503, { 'retry-after': '999999' }), mid)).toBe(3_600_000);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const delay = nextRetryDelayMs(1, 5, withStatus(503, { 'retry-after': inAMinute }), mid)!;
    expect(delay).toBeGreaterThan(58_000);
    expect(delay).toBeLessThanOrEqual(60_000);
  });

  it('falls back to the backoff table when Retry-After is malformed', () => {
    expect(nextRetryDelayMs(1, 5, withStatus(429, { 'retry-after': 'later' }), mid)).toBe(1_000);
  });
});
