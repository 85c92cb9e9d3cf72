import { describe, expect, it } from 'vitest';
import { formatTimeAgo } from './time-ago';

const now = Date.parse('2025-06-01T12:00:00Z');
const at = (offsetSeconds: number) => new Date(now + offsetSeconds * 1000);

describe('formatTimeAgo', () => {
  it('reads past times in the largest fitting unit', () => {
    expect(formatTimeAgo(at(-10), now)).toBe('just now');
    expect(formatTimeAgo(at(-180), now)).toBe('3 min ago');
    expect(formatTimeAgo(at(-2 * 3600), now)).toBe('2 h ago');
    expect(formatTimeAgo(at(-5 * 86400), now)).toBe('5 d ago');
  });

  it('reads future times (e.g. the next retry)', () => {
    expect(formatTimeAgo(at(120), now)).toBe('in 2 min');
    expect(formatTimeAgo(at(10), now)).toBe('in a few seconds');
  });

  it('falls back to the date beyond a month', () => {
    expect(formatTimeAgo(at(-40 * 86400), now)).toBe('2025-04-22');
  });
});
