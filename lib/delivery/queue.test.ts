import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDbHandle } from '@/db/client';
import { useTempDatabase } from '@/test/support/db';
import { claimDueJobs, completeJob, enqueueJob, rescheduleJob } from './queue';

let cleanup: () => void;
beforeAll(() => {
  ({ cleanup } = useTempDatabase());
});
afterAll(() => cleanup());

const sqlite = () => getDbHandle().sqlite;

describe('claimDueJobs', () => {
  it('claims atomically: a claimed job is not claimed again until its lease expires', () => {
    const now = 1_000_000;
    enqueueJob(sqlite(), { kind: 'test', dueAt: now - 10, host: 'a.example' });
    const [job] = claimDueJobs(sqlite(), { limit: 10, leaseMs: 5_000, now });
    expect(job.host).toBe('a.example');
    expect(claimDueJobs(sqlite(), { limit: 10, leaseMs: 5_000, now: now + 1_000 })).toHaveLength(0);
    // Expired lease: reclaimed with a new token, and the old holder can no longer finish it.
    const [again] = claimDueJobs(sqlite(), { limit: 10, leaseMs: 5_000, now: now + 6_000 });
    expect(again.id).toBe(job.id);
    expect(again.claimToken).not.toBe(job.claimToken);
    expect(completeJob(sqlite(), job)).toBe(false);
    expect(rescheduleJob(sqlite(), job, now)).toBe(false);
    expect(completeJob(sqlite(), again)).toBe(true);
  });

  it('finds other destinations behind a large backlog held for one destination', () => {
    const now = 2_000_000;
    for (let i = 0; i < 300; i++)
      enqueueJob(sqlite(), { kind: 'test', dueAt: now - 1_000 + i, host: 'paused.example' });
    enqueueJob(sqlite(), { kind: 'test', dueAt: now - 1, host: 'ok.example' });
    const refused: string[] = [];
    const jobs = claimDueJobs(sqlite(), {
      limit: 4,
      leaseMs: 5_000,
      now,
      accept: (host) => {
        if (host === 'paused.example') refused.push(host);
        return host !== 'paused.example';
      },
    });
    expect(jobs.map((j) => j.host)).toEqual(['ok.example']);
    // The held host is asked about once per claim, not once per queued job.
    expect(refused).toHaveLength(1);
  });
});

describe('enqueueJob', () => {
  const count = (where: string) =>
    (sqlite().prepare(`select count(*) as n from jobs where ${where}`).get() as { n: number }).n;

  it('adds a job once per idempotency key, and every job that has none', () => {
    const first = enqueueJob(sqlite(), { kind: 'test', dueAt: 1, idempotencyKey: 'alert:1:chn:open' });
    enqueueJob(sqlite(), { kind: 'test', dueAt: 2, idempotencyKey: 'alert:1:chn:open' });
    expect(count(`idempotency_key = 'alert:1:chn:open'`)).toBe(1);
    expect(count(`id = '${first}'`)).toBe(1);
    for (const dueAt of [1, 2, 3]) enqueueJob(sqlite(), { kind: 'keyless', dueAt });
    expect(count(`kind = 'keyless'`)).toBe(3);
  });

  it('keeps jobs without a key out of the idempotency index (they are most jobs: one per run)', () => {
    // Partial: an entry per run job cost every ingest commit pages to write (db/migrations/0005).
    enqueueJob(sqlite(), { kind: 'run', dueAt: 3 });
    const entries = sqlite()
      .prepare(
        `select sum(ncell) as n from dbstat where name = 'jobs_idempotency_unique' and pagetype = 'leaf'`,
      )
      .get() as { n: number };
    expect(count('idempotency_key is null')).toBeGreaterThan(0);
    expect(entries.n).toBe(count('idempotency_key is not null'));
  });
});
