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
  it('adds a job once per idempotency key, and every job that has none', () => {
    const count = (where: string) =>
      (sqlite().prepare(`select count(*) as n from jobs where ${where}`).get() as { n: number }).n;
    const first = enqueueJob(sqlite(), { kind: 'test', dueAt: 1, idempotencyKey: 'alert:1:chn:open' });
    enqueueJob(sqlite(), { kind: 'test', dueAt: 2, idempotencyKey: 'alert:1:chn:open' });
    expect(count(`idempotency_key = 'alert:1:chn:open'`)).toBe(1);
    expect(count(`id = '${first}'`)).toBe(1);
    const keyless = [1, 2, 3].map((dueAt) => enqueueJob(sqlite(), { kind: 'keyless', dueAt }));
    expect(count(`kind = 'keyless'`)).toBe(3);
    expect(new Set(keyless).size).toBe(3);
  });

  it('leaves jobs without a key out of the idempotency index (they are most jobs: one per run)', () => {
    // Partial: an entry per run job cost every ingest commit pages to write (db/migrations/0005).
    const index = sqlite()
      .prepare(`select sql from sqlite_master where name = 'jobs_idempotency_unique'`)
      .get() as { sql: string };
    expect(index.sql).toMatch(/where idempotency_key is not null/i);
    const plan = sqlite()
      .prepare(`explain query plan select id from jobs where idempotency_key = 'x'`)
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toContain('jobs_idempotency_unique');
  });
});
