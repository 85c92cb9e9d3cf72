import type { OutboundResult } from '@/lib/delivery/http-client';

// Delays after attempt 1, 2, 3, …; attempts past the end reuse the last delay.
export const DEFAULT_RETRY_DELAYS_MS = [
  1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000,
];

const MAX_RETRY_AFTER_MS = 3_600_000;
const JITTER = 0.2;
const RETRYABLE_STATUSES = new Set([408, 425, 429]);

/** Network errors, timeouts, 408, 425, 429 and 5xx are worth another try; everything else fails at once. */
export function shouldRetry(result: OutboundResult): { retry: boolean; reason: string } {
  const { error, response } = result;
  if (error && error.kind !== 'redirect') {
    const retry = error.kind === 'network' || error.kind === 'timeout';
    return { retry, reason: retry ? `${error.kind} error` : `${error.kind.replace('_', ' ')}: not retried` };
  }
  if (!response) return { retry: true, reason: 'no response' };
  const { status } = response;
  if (status >= 200 && status < 300) return { retry: false, reason: `HTTP ${status}: succeeded` };
  if (RETRYABLE_STATUSES.has(status) || status >= 500) return { retry: true, reason: `HTTP ${status}` };
  return { retry: false, reason: `HTTP ${status}: not retried` };
}

/** `Retry-After` as delta-seconds or an HTTP-date → milliseconds from now, capped at 1 h; null if absent or malformed. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // Only date-shaped values: Date.parse alone would accept things like "12.5".
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(at - nowMs, 0), MAX_RETRY_AFTER_MS);
}

/**
 * Delay before the next attempt, or null when `attemptNumber` (1-based, the attempt that just failed)
 * was the last or the failure is final. A valid `Retry-After` wins over the backoff table.
 */
export function nextRetryDelayMs(
  attemptNumber: number,
  maxAttempts: number,
  result: OutboundResult,
  random: () => number = Math.random,
): number | null {
  if (attemptNumber >= maxAttempts || !shouldRetry(result).retry) return null;
  const retryAfter = parseRetryAfter(result.response?.headers['retry-after'], Date.now());
  if (retryAfter !== null) return retryAfter;
  const index = Math.min(Math.max(attemptNumber, 1), DEFAULT_RETRY_DELAYS_MS.length) - 1;
  const factor = 1 - JITTER + 2 * JITTER * random();
  return Math.round(DEFAULT_RETRY_DELAYS_MS[index] * factor);
}
