import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDbHandle } from '@/db/client';
import { newId } from '@/lib/ids';
import { addHook, addUser, useTempDatabase } from '@/test/support/db';
import {
  claimDueJobs,
  completeJob,
  enqueueJob,
  enqueueRunBatch,
  nextDueAt,
  queueDepth,
  rescheduleJob,
} from './queue';

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

describe('a batch of runs (one row queuing an ingest commit’s runs)', () => {
  it('becomes a due job per run still there when claimed, and starts nothing itself', () => {
    addUser('usr_batch', 'batch@example.com');
    addHook('hk_batch', 'usr_batch');
    const db = sqlite();
    const automation = newId('aut');
    db.prepare(
      `insert into automations (id, user_id, name, trigger_type, hook_id, trigger, actions, created_at, updated_at)
       values (?, 'usr_batch', 'a', 'webhook', 'hk_batch', '{"type":"webhook","hookId":"hk_batch"}', '[]', 0, 0)`,
    ).run(automation);
    const event = newId('evt');
    db.prepare(
      `insert into events (id, user_id, hook_id, source, outcome, method, received_at)
       values (?, 'usr_batch', 'hk_batch', 'webhook', 'accepted', 'POST', 0)`,
    ).run(event);
    const run = () => {
      const id = newId('run');
      db.prepare(
        `insert into runs (id, user_id, automation_id, automation_version, event_id, hook_id, trigger_type, status, created_at)
         values (?, 'usr_batch', ?, 1, ?, 'hk_batch', 'webhook', 'queued', 0)`,
      ).run(id, automation, event);
      return id;
    };
    const [a, b] = [run(), run()];
    const now = 9_000_000;
    // One run deleted before the claim (pruned, or its automation deleted): nothing is left to do for it.
    enqueueRunBatch(db, [a, 'run_deleted', b], now - 5);
    const jobsOf = db.prepare(`select kind, due_at, lease_until from jobs where run_id = ?`);
    expect(jobsOf.all(a)).toEqual([]);
    const batches = db.prepare(`select count(*) from run_batches`).pluck();
    expect(batches.get()).toBe(1);
    const before = queueDepth(db, now);
    const claimed = claimDueJobs(db, { limit: 1_000, leaseMs: 5_000, now });
    expect(claimed.filter((j) => j.runId === a || j.runId === b || j.kind === 'runs')).toEqual([]);
    for (const id of [a, b])
      expect(jobsOf.all(id)).toEqual([{ kind: 'run', due_at: now - 5, lease_until: null }]);
    expect(jobsOf.all('run_deleted')).toEqual([]);
    expect(batches.get()).toBe(0);
    // The depth counted the batch as its three runs; now their two jobs (leased jobs count too, as before).
    expect(queueDepth(db, now).due).toBe(before.due - 1);
    // The next claim takes the run jobs.
    const next = claimDueJobs(db, { limit: 10, leaseMs: 5_000, now });
    expect(next.map((j) => j.runId).sort()).toEqual([a, b].sort());

    // A claim that meets one batch expands the next due ones too: one extra claim per few hundred runs.
    db.prepare(`delete from jobs`).run(); // earlier tests' jobs, whose leases have run out by then
    const later = now + 60_000;
    const runs = [run(), run(), run()];
    runs.forEach((id, i) => enqueueRunBatch(db, [id], later - 10 + i));
    // The worker wakes for the oldest batch; each counts as its runs.
    expect(nextDueAt(db, later)).toBe(later - 10);
    expect(queueDepth(db, later)).toEqual({ due: 3, oldestDueAt: later - 10 });
    expect(claimDueJobs(db, { limit: 1, leaseMs: 5_000, now: later })).toEqual([]);
    for (const id of runs) expect(jobsOf.all(id)).toHaveLength(1);
    expect(batches.get()).toBe(0);
  });

  it('takes over the batches an earlier version queued as jobs, in their order (migration 0012)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-0012-'));
    const old = new Database(path.join(dir, 'hookline.db'));
    try {
      // The database as the version before 0012 left it.
      const folder = path.join(dir, 'migrations');
      fs.cpSync(path.resolve('db/migrations'), folder, { recursive: true });
      const journalFile = path.join(folder, 'meta/_journal.json');
      const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
      journal.entries = journal.entries.filter((e) => e.tag < '0012');
      fs.writeFileSync(journalFile, JSON.stringify(journal));
      migrate(drizzle(old), { migrationsFolder: folder });
      const job = old.prepare(
        `insert into jobs (id, kind, payload, due_at, created_at) values (?, ?, ?, ?, 0)`,
      );
      job.run('job_1', 'runs', '["run_c"]', 20);
      job.run('job_2', 'runs', '["run_a","run_b"]', 10);
      job.run('job_3', 'alert', '{}', 5);

      migrate(drizzle(old), { migrationsFolder: path.resolve('db/migrations') });
      expect(old.prepare(`select run_ids, due_at from run_batches order by seq`).all()).toEqual([
        { run_ids: '["run_a","run_b"]', due_at: 10 },
        { run_ids: '["run_c"]', due_at: 20 },
      ]);
      expect(old.prepare(`select id from jobs`).pluck().all()).toEqual(['job_3']);
      expect(queueDepth(old, 100)).toEqual({ due: 4, oldestDueAt: 5 });
    } finally {
      old.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
