import type Database from 'better-sqlite3';
import { ChurnTable } from '@/lib/churn-table';

// In-process admission for outgoing requests per destination host: operator pause and the circuit breaker (jobs
// wait), a token bucket for max requests per second (jobs wait, never fail), and max concurrency. The controls
// are read from the destinations table at most once a second (or right after an operator change in this process),
// so the delivery hot path costs no SQL per attempt. Buckets live in memory: with several worker processes each
// one applies the limit on its own (documented; one worker process is the default).

export interface DestinationControl {
  paused: boolean;
  maxPerSecond: number | null;
  maxConcurrency: number | null;
}

interface Bucket {
  tokens: number;
  at: number;
  rate: number;
}

export type Verdict = { ok: true } | { ok: false; wakeAt: number | null };

const REFRESH_MS = 1000;
const VERSION = Symbol.for('hookline.destinations.version');
const LISTENERS = Symbol.for('hookline.destinations.listeners');
type GV = typeof globalThis & { [VERSION]?: number; [LISTENERS]?: Set<() => void> };

/** Call after changing a destination's controls so this process's gates re-read them at once. */
export function invalidateDestinationControls(): void {
  const g = globalThis as GV;
  g[VERSION] = (g[VERSION] ?? 0) + 1;
  for (const listener of g[LISTENERS] ?? []) listener();
}

/** `listener` is called on every invalidation here: the delivery thread's gate is told (lib/background.ts). */
export function onDestinationControlsChanged(listener: () => void): () => void {
  const g = globalThis as GV;
  (g[LISTENERS] ??= new Set()).add(listener);
  return () => g[LISTENERS]!.delete(listener);
}

function controlsVersion(): number {
  return (globalThis as GV)[VERSION] ?? 0;
}

/** Up to 100 ms worth of requests may go at once (at least one). */
function capacity(rate: number): number {
  return Math.max(1, rate / 10);
}

export class DestinationGate {
  private controls = new Map<string, DestinationControl>();
  private loadedAt = -Infinity;
  private loadedVersion = -1;
  private readonly buckets = new Map<string, Bucket>();
  // A host's count leaves the table whenever it falls to 0, as often as every delivery: not a Map (lib/churn-table.ts).
  private readonly inflight = new ChurnTable<number>();
  private readonly reserved = new Map<string, number>();
  private statement: { sqlite: Database.Database; stmt: Database.Statement } | null = null;

  refresh(sqlite: Database.Database, now = Date.now()): void {
    if (now - this.loadedAt < REFRESH_MS && this.loadedVersion === controlsVersion()) return;
    if (this.statement?.sqlite !== sqlite) {
      this.statement = {
        sqlite,
        stmt: sqlite.prepare(
          `select host, manually_paused, paused_until, max_per_second, max_concurrency from destinations
            where manually_paused = 1 or paused_until > ? or max_per_second is not null or max_concurrency is not null`,
        ),
      };
    }
    const rows = this.statement.stmt.all(now) as {
      host: string;
      manually_paused: number;
      paused_until: number | null;
      max_per_second: number | null;
      max_concurrency: number | null;
    }[];
    const next = new Map<string, DestinationControl>();
    for (const r of rows) {
      next.set(r.host, {
        paused: r.manually_paused === 1 || (r.paused_until !== null && r.paused_until > now),
        maxPerSecond: r.max_per_second !== null && r.max_per_second > 0 ? r.max_per_second : null,
        maxConcurrency: r.max_concurrency !== null && r.max_concurrency > 0 ? r.max_concurrency : null,
      });
    }
    this.controls = next;
    this.loadedAt = now;
    this.loadedVersion = controlsVersion();
  }

  control(host: string): DestinationControl | undefined {
    return this.controls.get(host);
  }

  private bucket(host: string, rate: number, now: number): Bucket {
    let b = this.buckets.get(host);
    if (!b || b.rate !== rate) {
      b = { tokens: b ? Math.min(b.tokens, capacity(rate)) : capacity(rate), at: now, rate };
      this.buckets.set(host, b);
    }
    b.tokens = Math.min(capacity(rate), b.tokens + ((now - b.at) * rate) / 1000);
    b.at = now;
    return b;
  }

  /**
   * The worker's claim filter for a job already tagged with its host. `running` counts this host's jobs running
   * or accepted in this claim. On yes, a token is taken and reserved for the job (see acquire).
   */
  admitClaim(host: string, running: number, defaultConcurrency: number, now = Date.now()): Verdict {
    const c = this.controls.get(host);
    if (!c) return running < defaultConcurrency ? { ok: true } : { ok: false, wakeAt: null };
    if (c.paused) return { ok: false, wakeAt: null };
    if (running >= (c.maxConcurrency ?? defaultConcurrency)) return { ok: false, wakeAt: null };
    if (c.maxPerSecond !== null) {
      const b = this.bucket(host, c.maxPerSecond, now);
      if (b.tokens < 1) return { ok: false, wakeAt: now + Math.ceil(((1 - b.tokens) * 1000) / b.rate) };
      b.tokens -= 1;
      this.reserved.set(host, (this.reserved.get(host) ?? 0) + 1);
    }
    return { ok: true };
  }

  /**
   * Just before a request is sent. `claimedFor` is the host the job was claimed for: a token reserved at the claim
   * is used (or handed back when the request goes elsewhere). A no means: reschedule the job, it waits.
   */
  acquire(host: string, claimedFor: string | null, now = Date.now()): boolean {
    let preAdmitted = false;
    if (claimedFor) {
      const r = this.reserved.get(claimedFor) ?? 0;
      if (r > 0) {
        this.reserved.set(claimedFor, r - 1);
        if (claimedFor === host) preAdmitted = true;
        else {
          const b = this.buckets.get(claimedFor);
          if (b) b.tokens = Math.min(capacity(b.rate), b.tokens + 1);
        }
      } else if (claimedFor === host) preAdmitted = !this.controls.get(host)?.maxPerSecond;
    }
    const c = this.controls.get(host);
    if (c && !preAdmitted) {
      if (c.paused) return false;
      if (c.maxConcurrency !== null && (this.inflight.get(host) ?? 0) >= c.maxConcurrency) return false;
      if (c.maxPerSecond !== null) {
        const b = this.bucket(host, c.maxPerSecond, now);
        if (b.tokens < 1) return false;
        b.tokens -= 1;
      }
    }
    this.inflight.set(host, (this.inflight.get(host) ?? 0) + 1);
    return true;
  }

  release(host: string): void {
    const n = (this.inflight.get(host) ?? 1) - 1;
    if (n <= 0) this.inflight.delete(host);
    else this.inflight.set(host, n);
  }

  inflightCount(host: string): number {
    return this.inflight.get(host) ?? 0;
  }
}

// One gate per process, shared by the worker and the Next bundle's copy of this module (the destinations page
// reads its in-flight counts).
const KEY = Symbol.for('hookline.destinations.gate');
type G = typeof globalThis & { [KEY]?: DestinationGate };

export function destinationGate(): DestinationGate {
  const g = globalThis as G;
  return (g[KEY] ??= new DestinationGate());
}
