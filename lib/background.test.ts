import { once } from 'node:events';
import type { Worker as Thread } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDbHandle } from '@/db/client';
import { createAutomation } from '@/lib/automations/automations';
import { wakeWorker } from '@/lib/delivery/queue';
import { newId } from '@/lib/ids';
import { writeEvents, type WriteItem } from '@/lib/ingest/write-events';
import { addHook, addUser, useTempDatabase } from '@/test/support/db';
import { waitFor } from '@/test/support/server';
import { startSink, type Sink } from '@/test/support/sink';
import { startDeliveryThread } from './background';

// The delivery thread's restart, with real threads on a real SQLite file delivering to a real local server.
const RESTART_MS = 20;
const userId = newId('usr');
const hookId = newId('hk');
let cleanup: () => void;
let sink: Sink;
const ENV = ['HOOKLINE_ALLOW_PRIVATE_NETWORKS', 'HOOKLINE_WORKER_POLL_MS'] as const;
const envBefore = ENV.map((name) => process.env[name]);

beforeAll(async () => {
  // Read by each thread as it starts (a thread gets a copy of the environment). With polling off, a job reaches a
  // thread only through its own first look for due jobs or a wake-up posted to it.
  process.env.HOOKLINE_ALLOW_PRIVATE_NETWORKS = 'true';
  process.env.HOOKLINE_WORKER_POLL_MS = '600000';
  cleanup = useTempDatabase().cleanup;
  sink = await startSink();
  addUser(userId, 'restart@example.com');
  addHook(hookId, userId, 'restart');
  createAutomation(userId, {
    name: 'restart',
    trigger: { type: 'webhook', hookId },
    actions: [{ method: 'POST', url: `${sink.url}/restart` }],
  });
});
afterAll(async () => {
  await sink?.close();
  cleanup();
  ENV.forEach((name, i) => {
    if (envBefore[i] === undefined) delete process.env[name];
    else process.env[name] = envBefore[i];
  });
});

/** Starts the delivery thread on the temp database, keeping every thread it starts and which of them have exited. */
function startDeliveries() {
  const threads: Thread[] = [];
  const exited = new Set<Thread>();
  const worker = startDeliveryThread(getDbHandle().path, {
    restartDelayMs: RESTART_MS,
    onThread: (thread) => {
      threads.push(thread);
      thread.once('exit', () => exited.add(thread));
    },
  });
  const allExited = () => threads.every((t) => exited.has(t));
  return { worker, threads, allExited };
}

/** Commits an event with its run and job as the ingest writer does (one transaction), then wakes the worker. */
function commitEvent(body: unknown): string {
  const raw = Buffer.from(JSON.stringify(body));
  const item: WriteItem = {
    kind: 'accept',
    hookId,
    userId,
    method: 'POST',
    path: '/h/restart',
    queryJson: '{}',
    headersJson: '{"content-type":"application/json"}',
    contentType: 'application/json',
    size: raw.length,
    sourceIp: '127.0.0.1',
    verification: 'none',
    receivedAt: Date.now(),
    rejectStatus: null,
    rejectReason: null,
    bodyRaw: raw,
    bodyKind: 'json',
    bodyParsedJson: null,
    dedupeKey: null,
  };
  const [result] = writeEvents(getDbHandle().sqlite, [item]);
  if (result.duplicate || result.runIds.length !== 1) throw new Error('expected one run');
  wakeWorker();
  return result.runIds[0];
}

function runStatus(runId: string): string {
  const row = getDbHandle().sqlite.prepare(`select status from runs where id = ?`).get(runId) as {
    status: string;
  };
  return row.status;
}

const delivered = (runId: string) =>
  waitFor(() => runStatus(runId) === 'succeeded', { what: `run ${runId} delivered` });

const received = () => sink.requests.map((r) => JSON.parse(r.body.toString()));

describe('delivery thread', () => {
  it('starts a new thread when its thread dies, which delivers what is committed next', async () => {
    const { worker, threads, allExited } = startDeliveries();
    await delivered(commitEvent({ n: 1 }));
    expect(received()).toEqual([{ n: 1 }]);

    // Ended from outside, as a crash would end it: its 'exit' handler has run once terminate() resolves.
    expect(threads).toHaveLength(1);
    await threads[0].terminate();
    await delivered(commitEvent({ n: 2 }));
    expect(threads).toHaveLength(2);
    expect(received()).toEqual([{ n: 1 }, { n: 2 }]);

    await worker.stop();
    await waitFor(allExited, { what: 'every delivery thread exited' });
    expect(threads).toHaveLength(2);
  });

  it('starts none after a stop while the next thread was still to start', async () => {
    const { worker, threads, allExited } = startDeliveries();
    await once(threads[0], 'online');
    await threads[0].terminate();
    // The restart is pending: the dead thread's 'exit' handler ran before terminate() resolved.
    await worker.stop();
    // Node runs timers of one delay in the order they were set: by this one's turn, the restart's has had its own.
    await new Promise((resolve) => setTimeout(resolve, RESTART_MS));
    expect(threads).toHaveLength(1);
    expect(allExited()).toBe(true);
  });
});
