import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationGate, invalidateDestinationControls } from './gate';

// The gate against a real destinations table (in-memory SQLite with just that table).

let sqlite: Database.Database;

beforeAll(() => {
  sqlite = new Database(':memory:');
  sqlite.exec(`create table destinations (host text primary key, consecutive_failures integer not null default 0,
    paused_until integer, manually_paused integer not null default 0, last_failure_at integer, last_success_at integer,
    updated_at integer not null, max_per_second real, max_concurrency integer)`);
});
afterAll(() => sqlite.close());

function set(host: string, fields: Record<string, number | null>) {
  sqlite
    .prepare(
      `insert into destinations (host, manually_paused, paused_until, max_per_second, max_concurrency, updated_at)
       values (@host, @paused, @until, @rate, @max, 0)
       on conflict (host) do update set manually_paused = @paused, paused_until = @until, max_per_second = @rate,
         max_concurrency = @max`,
    )
    .run({ host, paused: 0, until: null, rate: null, max: null, ...fields });
  invalidateDestinationControls();
}

describe('DestinationGate', () => {
  it('admits anything for a host without controls, up to the default concurrency', () => {
    const gate = new DestinationGate();
    gate.refresh(sqlite, 0);
    expect(gate.admitClaim('free.test', 7, 8, 0)).toEqual({ ok: true });
    expect(gate.admitClaim('free.test', 8, 8, 0).ok).toBe(false);
    expect(gate.acquire('free.test', null, 0)).toBe(true);
  });

  it('holds a paused host until it is resumed', () => {
    const gate = new DestinationGate();
    set('paused.test', { paused: 1 });
    gate.refresh(sqlite, 1000);
    expect(gate.admitClaim('paused.test', 0, 8, 1000)).toEqual({ ok: false, wakeAt: null });
    expect(gate.acquire('paused.test', null, 1000)).toBe(false);
    set('paused.test', { paused: 0 });
    gate.refresh(sqlite, 1001); // within the refresh interval: the invalidation forces a re-read
    expect(gate.acquire('paused.test', null, 1001)).toBe(true);
  });

  it('paces a rate limit with a token bucket and says when the next token comes', () => {
    const gate = new DestinationGate();
    set('rate.test', { rate: 5 });
    gate.refresh(sqlite, 0);
    expect(gate.admitClaim('rate.test', 0, 8, 0)).toEqual({ ok: true });
    expect(gate.admitClaim('rate.test', 1, 8, 0)).toEqual({ ok: false, wakeAt: 200 });
    // The token reserved at the claim is used by the send: no second token is needed.
    expect(gate.acquire('rate.test', 'rate.test', 10)).toBe(true);
    expect(gate.acquire('rate.test', null, 100)).toBe(false);
    expect(gate.acquire('rate.test', null, 200)).toBe(true);
    let admitted = 0;
    for (let t = 200; t <= 10_200; t += 10) if (gate.acquire('rate.test', null, t)) admitted++;
    expect(admitted).toBe(50);
  });

  it('caps concurrency per host', () => {
    const gate = new DestinationGate();
    set('one.test', { max: 1 });
    gate.refresh(sqlite, 0);
    expect(gate.admitClaim('one.test', 1, 8, 0).ok).toBe(false);
    expect(gate.acquire('one.test', null, 0)).toBe(true);
    expect(gate.acquire('one.test', null, 0)).toBe(false);
    expect(gate.inflightCount('one.test')).toBe(1);
    gate.release('one.test');
    expect(gate.acquire('one.test', null, 0)).toBe(true);
  });
});
