import { Cron } from 'croner';

// Pure time arithmetic of the triggers, kept apart from the database so it is easy to test.

export const POLL_TIMEOUT_MS = 15_000;
export const MAX_POLL_BACKOFF_MS = 3600_000;
export const SEEN_KEYS_PER_AUTOMATION = 10_000;

/** The first cron time strictly after `after` (ms), in `timezone` (default UTC); null when there is none. */
export function nextCronTime(cron: string, timezone: string | undefined, after: number): number | null {
  try {
    const next = new Cron(cron, { timezone: timezone || 'UTC', paused: true }).nextRun(new Date(after));
    return next ? next.getTime() : null;
  } catch {
    return null;
  }
}

/**
 * Delay before the next poll after `failures` consecutive failures: one interval after the first failure, then
 * doubling (interval × 2^(failures − 1)), capped at one hour.
 */
export function pollDelayMs(intervalSeconds: number, failures: number): number {
  const base = intervalSeconds * 1000;
  if (failures <= 1) return Math.min(base, Math.max(MAX_POLL_BACKOFF_MS, base));
  return Math.min(base * 2 ** Math.min(failures - 1, 30), Math.max(MAX_POLL_BACKOFF_MS, base));
}

/** How often a disarmed silence trigger looks for a new event on its hook (to re-arm). */
export function silenceRecheckMs(afterSeconds: number): number {
  return Math.max(500, Math.min(5_000, (afterSeconds * 1000) / 2));
}
