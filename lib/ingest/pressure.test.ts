import { describe, expect, it } from 'vitest';
import {
  deliveryAllowance,
  ingestBusy,
  ingestRate,
  MIN_DELIVERY_ALLOWANCE,
  noteIngestAcknowledged,
  noteIngestRequest,
} from './pressure';

/** `requests` requests spread over one 250 ms window from `start`, each acknowledged in `ackMs`. */
function window(start: number, requests: number, ackMs: number) {
  for (let i = 0; i < requests; i++) {
    noteIngestRequest(start + Math.floor((i * 250) / requests));
    noteIngestAcknowledged(ackMs);
  }
}

describe('ingest pressure', () => {
  it('counts as busy only when requests pile up waiting for their acknowledgements', () => {
    const t0 = 2e12; // far from the clock, so the first call starts a fresh window
    noteIngestRequest(t0);
    window(t0, 99, 2);
    // 100 requests in 250 ms = 400/s, acknowledged in 2 ms: busy, but comfortable.
    expect(ingestBusy(t0 + 250)).toBe(false);
    expect(ingestRate(t0 + 250)).toBe(400);
    // A sustained stream acknowledged more slowly still keeps up: 400/s in 9 ms is 3.6 waiting on average.
    window(t0 + 250, 100, 9);
    expect(ingestBusy(t0 + 500)).toBe(false);
    // 4,000/s in 6 ms: 24 waiting, the endpoint is saturated.
    window(t0 + 500, 1000, 6);
    expect(ingestBusy(t0 + 750)).toBe(true);
    // 2,000/s: 3 ms (6 waiting) is comfortable, 5 ms (10 waiting) is not.
    window(t0 + 750, 500, 3);
    expect(ingestBusy(t0 + 1000)).toBe(false);
    window(t0 + 1000, 500, 5);
    expect(ingestBusy(t0 + 1250)).toBe(true);
    // Slow acknowledgements at a low rate (a slow disk, one provider) are not pressure either.
    window(t0 + 1250, 10, 900);
    expect(ingestBusy(t0 + 1500)).toBe(false);
    // A quiet gap longer than a window reads as idle.
    window(t0 + 1500, 1000, 9);
    expect(ingestBusy(t0 + 5000)).toBe(false);
  });

  it('gives deliveries less while requests pile up, more while at ease, and all once quiet', () => {
    const t0 = 3e12;
    noteIngestRequest(t0);
    window(t0, 99, 2);
    expect(deliveryAllowance(t0 + 250)).toBe(Infinity); // 400/s acknowledged in 2 ms
    // Requests piling up a little: 2,000/s in 5 ms (10 waiting). From 1,000/s, halved each window down to the floor.
    const seen: number[] = [];
    for (let w = 1; w <= 8; w++) {
      window(t0 + w * 250, 500, 5);
      seen.push(deliveryAllowance(t0 + (w + 1) * 250));
    }
    expect(seen.slice(0, 5)).toEqual([1000, 500, 250, 125, 62.5]);
    expect(seen.at(-1)).toBe(MIN_DELIVERY_ALLOWANCE);
    // In between (6 waiting) it holds; at ease (2,000/s in 1.5 ms: 3 waiting) it grows again, by half plus 100/s.
    window(t0 + 9 * 250, 500, 3);
    expect(deliveryAllowance(t0 + 10 * 250)).toBe(MIN_DELIVERY_ALLOWANCE);
    window(t0 + 10 * 250, 500, 1.5);
    expect(deliveryAllowance(t0 + 11 * 250)).toBe(MIN_DELIVERY_ALLOWANCE * 1.5 + 100);
    // Quiet: no limit at all, so the backlog drains at full speed.
    window(t0 + 11 * 250, 10, 2);
    expect(deliveryAllowance(t0 + 12 * 250)).toBe(Infinity);
  });

  it('cuts deliveries to the floor within three windows when a burst arrives on a quiet endpoint', () => {
    const t0 = 4e12;
    noteIngestRequest(t0);
    window(t0, 10, 2);
    expect(deliveryAllowance(t0 + 250)).toBe(Infinity);
    // 32 connections at once: 4,000/s in 6 ms, 24 waiting, three times the threshold: cut by nine each window.
    window(t0 + 250, 1000, 6);
    expect(deliveryAllowance(t0 + 500)).toBeCloseTo(2000 / 9);
    window(t0 + 500, 1000, 6);
    expect(deliveryAllowance(t0 + 750)).toBeCloseTo(2000 / 81);
    window(t0 + 750, 1000, 6);
    expect(deliveryAllowance(t0 + 1000)).toBe(MIN_DELIVERY_ALLOWANCE);
  });
});
