// Throttles repeated sign-in failures per email and per client address. In memory (on globalThis, shared by module
// copies): a restart forgives, which is acceptable for a single-process app and keeps sign-in off the database.

const WINDOW_MS = 15 * 60_000;
const FREE_FAILURES = 5;
const MAX_LOCK_MS = 15 * 60_000;

interface Entry {
  failures: number;
  first: number;
  lockedUntil: number;
}

const KEY = Symbol.for('hookline.loginThrottle');
function table(): Map<string, Entry> {
  const g = globalThis as typeof globalThis & { [KEY]?: Map<string, Entry> };
  return (g[KEY] ??= new Map());
}

function keys(email: string, ip: string | null): string[] {
  return [`e:${email.trim().toLowerCase()}`, ...(ip ? [`i:${ip}`] : [])];
}

/** Seconds to wait before another attempt is allowed, or 0. */
export function loginRetryAfter(email: string, ip: string | null, now = Date.now()): number {
  let wait = 0;
  for (const k of keys(email, ip)) {
    const e = table().get(k);
    if (e && e.lockedUntil > now) wait = Math.max(wait, Math.ceil((e.lockedUntil - now) / 1000));
  }
  return wait;
}

export function recordLoginFailure(email: string, ip: string | null, now = Date.now()): void {
  const t = table();
  for (const k of keys(email, ip)) {
    let e = t.get(k);
    if (!e || now - e.first > WINDOW_MS) e = { failures: 0, first: now, lockedUntil: 0 };
    e.failures++;
    // Per-IP gets more slack than per-email (an office shares one address).
    const free = k.startsWith('i:') ? FREE_FAILURES * 4 : FREE_FAILURES;
    if (e.failures >= free) {
      e.lockedUntil = now + Math.min(MAX_LOCK_MS, 1000 * 2 ** Math.min(20, e.failures - free + 4));
    }
    t.set(k, e);
  }
  if (t.size > 10_000) {
    for (const [k, e] of t) if (now - e.first > WINDOW_MS && e.lockedUntil < now) t.delete(k);
  }
}

export function recordLoginSuccess(email: string): void {
  table().delete(`e:${email.trim().toLowerCase()}`);
}
