// How hard the ingest endpoint is pressed right now, so the in-process worker (and the search indexer) can step
// back while webhooks pour in faster than they can be acknowledged: acknowledging events is the latency providers
// see; deliveries catch up seconds later. A busy but comfortable endpoint (acknowledgements still fast) is left
// alone, so deliveries keep pace with a sustained stream instead of falling behind it for good.
//
// The measure is how many requests are waiting for their acknowledgement on average (Little's law: arrival rate
// times time to acknowledge). A stream the machine keeps up with has one or two waiting (500/s acknowledged in 3 ms
// is 1.5); a burst beyond what it can take piles requests up (32 providers' connections at once keep 15-25 waiting)
// whatever the exact latency. (A threshold on latency alone sat right where a saturated endpoint's latency settles.)
const KEY = Symbol.for('hookline.ingest.pressure');
interface Pressure {
  windowStart: number;
  count: number;
  latencySum: number;
  latencyCount: number;
  rate: number;
  latency: number;
  /** Delivery starts per second the in-process worker may make (Infinity: as many as it can). */
  allowance: number;
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
    allowance: Infinity,
  });
}

const WINDOW_MS = 250;
/** Requests per second above which acknowledgement latency is watched. */
const BUSY_RATE = 300;
/** Requests waiting for their acknowledgement, on average, above which the endpoint counts as struggling. */
const BUSY_WAITING = 8;
/** ... and below which it is at ease, so deliveries may take a larger share. */
const EASY_WAITING = 4;
/** Delivery starts per second never go below this: deliveries keep moving, however hard ingest is pressed. */
export const MIN_DELIVERY_ALLOWANCE = 20;
/** Where the allowance starts when the endpoint first struggles (then halves each window it still does). */
const FIRST_ALLOWANCE = 1000;
/** An allowance grown past this is no limit at all. */
const MAX_ALLOWANCE = 10_000;

/**
 * Additive-increase/multiplicative-decrease, as TCP shares a link: each window in which requests pile up cuts the
 * deliveries' allowance, each window at ease raises it by half again plus 100/s. A stream the machine can take
 * settles where acknowledgements stay quick and deliveries get the rest; a burst it cannot take holds them to a
 * trickle; the moment the endpoint goes quiet they run free to drain the backlog. A hard switch between a trickle
 * and full speed swung between the two several times a second, and each full-speed spell showed up as the
 * acknowledgements' worst latencies.
 *
 * The cut is a halving when requests pile up a little, and the square of how far over they are when a burst
 * arrives (32 connections at once: ~24 waiting, a ninth: the floor in three windows). Halving from 1,000/s took six
 * windows (1.5 s) to reach the floor: bench:ingest's 10 s burst started ~1,000 deliveries, now 520–670.
 */
function adjustAllowance(s: Pressure): void {
  const waiting = (s.rate * s.latency) / 1000;
  if (s.rate <= BUSY_RATE) s.allowance = Infinity;
  else if (waiting > BUSY_WAITING) {
    const cut = Math.max(2, (waiting / BUSY_WAITING) ** 2);
    s.allowance = Math.max(MIN_DELIVERY_ALLOWANCE, Math.min(s.allowance, FIRST_ALLOWANCE * 2) / cut);
  } else if (waiting < EASY_WAITING && s.allowance !== Infinity) {
    s.allowance = s.allowance * 1.5 + 100;
    if (s.allowance > MAX_ALLOWANCE) s.allowance = Infinity;
  }
}

function roll(s: Pressure, now: number): void {
  const elapsed = now - s.windowStart;
  if (elapsed < WINDOW_MS) return;
  // Figures of the last full window; an idle gap longer than one window reads as zero.
  const idle = elapsed > 2 * WINDOW_MS;
  s.rate = idle ? 0 : (s.count * 1000) / elapsed;
  s.latency = idle || s.latencyCount === 0 ? 0 : s.latencySum / s.latencyCount;
  adjustAllowance(s);
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

/** Delivery starts per second the in-process worker may make now; Infinity while ingest is at ease. */
export function deliveryAllowance(now = Date.now()): number {
  const s = state();
  roll(s, now);
  return s.allowance;
}
