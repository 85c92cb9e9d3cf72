// How busy the ingest endpoint is right now, so the in-process worker can step back while webhooks pour in:
// acknowledging events is the latency that providers see; deliveries can catch up seconds later.
const KEY = Symbol.for('hookline.ingest.pressure');
interface Pressure {
  windowStart: number;
  count: number;
  rate: number;
}

function state(): Pressure {
  const g = globalThis as typeof globalThis & { [KEY]?: Pressure };
  return (g[KEY] ??= { windowStart: Date.now(), count: 0, rate: 0 });
}

const WINDOW_MS = 250;

function roll(s: Pressure, now: number): void {
  const elapsed = now - s.windowStart;
  if (elapsed < WINDOW_MS) return;
  // Rate of the last full window; an idle gap longer than one window reads as zero.
  s.rate = elapsed > 2 * WINDOW_MS ? 0 : (s.count * 1000) / elapsed;
  s.count = 0;
  s.windowStart = now;
}

export function noteIngestRequest(now = Date.now()): void {
  const s = state();
  roll(s, now);
  s.count++;
}

/** Ingest requests per second over the last ~250 ms. */
export function ingestRate(now = Date.now()): number {
  const s = state();
  roll(s, now);
  return s.rate;
}
