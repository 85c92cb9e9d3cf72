import { describe, expect, it } from 'vitest';
import { ingestBusy, ingestRate, noteIngestAcknowledged, noteIngestRequest } from './pressure';

function window(start: number, requests: number, ackMs: number) {
  for (let i = 0; i < requests; i++) {
    noteIngestRequest(start + i);
    noteIngestAcknowledged(ackMs);
  }
}

describe('ingest pressure', () => {
  it('counts as busy only when many requests arrive and their acknowledgements slow down', () => {
    const t0 = 2e12; // far from the clock, so the first call starts a fresh window
    noteIngestRequest(t0);
    window(t0, 99, 2);
    // 100 requests in 250 ms = 400/s, acknowledged in 2 ms: busy, but comfortable.
    expect(ingestBusy(t0 + 250)).toBe(false);
    expect(ingestRate(t0 + 250)).toBe(400);
    window(t0 + 250, 100, 9);
    expect(ingestBusy(t0 + 500)).toBe(true);
    // Slow acknowledgements at a low rate (a slow disk, one provider) are not pressure either.
    window(t0 + 500, 10, 9);
    expect(ingestBusy(t0 + 750)).toBe(false);
    // A quiet gap longer than a window reads as idle.
    window(t0 + 750, 100, 9);
    expect(ingestBusy(t0 + 5000)).toBe(false);
  });
});
