interface Bucket {
  tokens: number;
  updatedAt: number;
  /** When this bucket would be full again; from then on forgetting it changes nothing. */
  fullAt: number;
  /** When it last moved to the back of the least-recently-used order. */
  movedAt: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiterOptions {
  /** Milliseconds clock; injectable so tests can drive time. */
  now?: () => number;
  /** Hard cap on remembered keys; the least recently used are dropped first. */
  maxBuckets?: number;
}

const DEFAULT_MAX_BUCKETS = 10_000;
/** Idle buckets examined per call: keeps each call O(1) while memory still shrinks. */
const EVICTIONS_PER_TAKE = 2;
/**
 * A bucket in use moves to the back of the order at most this often, and is otherwise updated where it is: a Map
 * whose entries are deleted and set again on every request keeps its garbage alive through young GCs
 * (lib/churn-table.ts). So the order is least recently used to within a second.
 */
const REORDER_MS = 1_000;

/** In-memory token buckets, one per key (e.g. a hook id). */
export class RateLimiter {
  private readonly now: () => number;
  private readonly maxBuckets: number;
  // Map iteration order is insertion order; re-inserting on use (at most once a second) keeps it least-recently-used
  // first.
  private readonly buckets = new Map<string, Bucket>();

  constructor(opts: RateLimiterOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.maxBuckets = Math.max(1, opts.maxBuckets ?? DEFAULT_MAX_BUCKETS);
  }

  /** Takes one token from `key`'s bucket, refilled at `perSecond` up to `burst`. */
  take(key: string, perSecond: number, burst: number): TakeResult {
    if (!(perSecond > 0) || !Number.isFinite(perSecond))
      throw new RangeError('perSecond must be a positive number');
    const capacity = Math.max(1, burst);
    const now = this.now();
    this.evictIdle(now);

    const bucket = this.buckets.get(key);
    let tokens = capacity;
    if (bucket !== undefined) {
      // A clock that steps backwards must not mint tokens.
      const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
      tokens = Math.min(capacity, bucket.tokens + elapsedSeconds * perSecond);
    }

    const ok = tokens >= 1;
    if (ok) tokens -= 1;
    const fullAt = now + ((capacity - tokens) / perSecond) * 1000;
    if (bucket !== undefined && Math.abs(now - bucket.movedAt) < REORDER_MS) {
      bucket.tokens = tokens;
      bucket.updatedAt = now;
      bucket.fullAt = fullAt;
    } else {
      if (bucket !== undefined) this.buckets.delete(key);
      this.buckets.set(key, { tokens, updatedAt: now, fullAt, movedAt: now });
      if (this.buckets.size > this.maxBuckets) this.evictOldest();
    }

    if (ok) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
  }

  /** Number of remembered buckets (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private evictIdle(now: number): void {
    for (let i = 0; i < EVICTIONS_PER_TAKE; i++) {
      const oldest = this.buckets.entries().next();
      if (oldest.done || oldest.value[1].fullAt > now) return;
      this.buckets.delete(oldest.value[0]);
    }
  }

  private evictOldest(): void {
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}
