// How hard the ingest endpoint is pressed right now, so the in-process worker (and the search indexer) can step
// back while webhooks pour in faster than they can be acknowledged: acknowledging events is the latency providers
// see; deliveries catch up seconds later. A busy but comfortable endpoint (acknowledgements still fast) is left
// alone, so deliveries keep pace with a sustained stream instead of falling behind it for good.
//
// The measure is how many requests are waiting for their acknowledgement on average (Little's law: arrival rate
// times time to acknowledge). A stream the machine keeps up with has one or two waiting (500/s acknowledged in 3 ms
// is 1.5); a burst beyond what it can take piles requests up (32 providers' connections at once keep 15-25 waiting)
// whatever the exact latency. A latency threshold alone sat right where a saturated endpoint's latency settles,
// so the worker flipped between a trickle and full speed several times a second, and each full-speed spell showed
// up as the acknowledgements' worst latencies.
const KEY = Symbol.for('hookline.ingest.pressure');
interface Pressure {
  windowStart: number;
  count: number;
  latencySum: number;
  latencyCount: number;
  rate: number;
  latency: number;
}

function state(): Pressure {
  const g = globalThis as typeof globalThis & { [KEY]?: Pressure };
  return (g[KEY] ??= {
    windowStart: Date.now(),
    count: 0,
    latencySum: 0,
    latencyCount: 0,
    rate: 0,
    latency: 0,
  });
}

const WINDOW_MS = 250;
/** Requests per second above which acknowledgement latency is watched. */
const BUSY_RATE = 300;
/** Requests waiting for their acknowledgement, on average, above which the endpoint counts as struggling. */
const BUSY_WAITING = 8;

function roll(s: Pressure, now: number): void {
  const elapsed = now - s.windowStart;
  if (elapsed < WINDOW_MS) return;
  // Figures of the last full window; an idle gap longer than one window reads as zero.
  const idle = elapsed > 2 * WINDOW_MS;
  s.rate = idle ? 0 : (s.count * 1000) / elapsed;
  s.latency = idle || s.latencyCount === 0 ? 0 : s.latencySum / s.latencyCount;
  s.count = 0;
  s.latencySum = 0;
  s.latencyCount = 0;
  s.windowStart = now;
}

export function noteIngestRequest(now = Date.now()): void {
  const s = state();
  roll(s, now);
  s.count++;
}

/** Time from a request's arrival to its stored acknowledgement. */
export function noteIngestAcknowledged(ms: number): void {
  const s = state();
  s.latencySum += ms;
  s.latencyCount++;
}

/** Ingest requests per second over the last ~250 ms. */
export function ingestRate(now = Date.now()): number {
  const s = state();
  roll(s, now);
  return s.rate;
}

/** True while requests arrive faster than they are acknowledged and pile up: background work should yield. */
export function ingestBusy(now = Date.now()): boolean {
  const s = state();
  roll(s, now);
  return s.rate > BUSY_RATE && (s.rate * s.latency) / 1000 > BUSY_WAITING;
}
