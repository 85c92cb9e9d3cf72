import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDbHandle } from '@/db/client';
import { useTempDatabase } from '@/test/support/db';
import type { JobRow } from './queue';
import { enqueueJob } from './queue';
import { bookkeep, startBookkeepingThread, stopBookkeeping } from './bookkeeping-writer';

// The real bookkeeping thread, on a real SQLite file: what a write resolves with is committed.
let cleanup: () => void;
beforeAll(() => {
  cleanup = useTempDatabase().cleanup;
});
afterAll(async () => {
  await stopBookkeeping();
  cleanup();
});

const sqlite = () => getDbHandle().sqlite;
const jobRow = (id: string) =>
  sqlite().prepare(`select lease_until, claim_token from jobs where id = ?`).get(id) as
    { lease_until: number | null; claim_token: string | null } | undefined;

describe('bookkeeping thread', () => {
  it('claims and completes jobs on its own connection, committed when the write resolves', async () => {
    const now = Date.now();
    const a = enqueueJob(sqlite(), { kind: 'test', dueAt: now - 10 });
    const b = enqueueJob(sqlite(), { kind: 'test', dueAt: now - 5 });
    const [rows] = (await bookkeep([{ type: 'claim', ids: [a, b], now, leaseMs: 5_000 }])) as [JobRow[]];
    expect(rows.map((r) => r.id)).toEqual([a, b]);
    expect(jobRow(a)).toEqual({ lease_until: now + 5_000, claim_token: rows[0].claim_token });
    // Already leased: a second claim gets nothing.
    expect(await bookkeep([{ type: 'claim', ids: [a], now, leaseMs: 5_000 }])).toEqual([[]]);
    const done = await bookkeep([
      { type: 'complete', job: { id: a, claimToken: rows[0].claim_token } },
      { type: 'release', job: { id: b, claimToken: 'not-ours' } },
    ]);
    expect(done).toEqual([true, false]);
    expect(jobRow(a)).toBeUndefined();
    expect(jobRow(b)?.claim_token).toBe(rows[1].claim_token);
  });

  it('rolls back only the failing call of a shared commit', async () => {
    const now = Date.now();
    const id = enqueueJob(sqlite(), { kind: 'test', dueAt: now - 10 });
    const [[row]] = (await bookkeep([{ type: 'claim', ids: [id], now, leaseMs: 5_000 }])) as [JobRow[]];
    const job = { id, claimToken: row.claim_token };
    const other = enqueueJob(sqlite(), { kind: 'test', dueAt: now - 10 });
    // Same turn of the event loop: one message, one transaction. The second call breaks a foreign key.
    const before = bookkeep([{ type: 'claim', ids: [other], now, leaseMs: 5_000 }]);
    const failing = bookkeep([
      { type: 'reschedule', job, dueAt: now + 1_000, host: 'b.example' },
      {
        type: 'attempt',
        id: 'att_orphan',
        runId: 'run_missing',
        stepIndex: 0,
        n: 1,
        startedAt: now,
        durationMs: 1,
        host: null,
        request: '{}',
        response: null,
        error: null,
        nextRetryAt: null,
      },
    ]);
    const passing = bookkeep([{ type: 'extend', job, leaseUntil: now + 60_000 }]);
    await expect(failing).rejects.toThrow(/FOREIGN KEY/);
    // The call before it was applied once: the transaction it first ran in was rolled back, then applied again.
    const [[claimed]] = (await before) as [JobRow[]];
    expect(claimed?.id).toBe(other);
    expect(jobRow(other)).toEqual({ lease_until: now + 5_000, claim_token: claimed.claim_token });
    // The failing call's reschedule was rolled back with it (the lease is still ours to extend).
    expect(await passing).toEqual([true]);
    expect(jobRow(id)).toEqual({ lease_until: now + 60_000, claim_token: row.claim_token });
  });

  it('a thread that dies fails what it had not answered and takes no more writes', async () => {
    let exited = 0;
    const writer = startBookkeepingThread(getDbHandle().path, () => exited++);
    expect(await writer.write([{ type: 'release', job: { id: 'job_none', claimToken: 'x' } }])).toEqual([
      false,
    ]);
    const pending = writer.write([{ type: 'release', job: { id: 'job_none', claimToken: 'x' } }]);
    await writer.thread.terminate();
    await expect(pending).rejects.toThrow(/exited/);
    expect(exited).toBe(1);
    await expect(writer.write([])).rejects.toThrow(/exited/);
    await writer.stop(); // already gone: nothing to wait for
  });
});
