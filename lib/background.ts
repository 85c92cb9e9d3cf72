import { startAlertEngine } from './alerts/engine';
import { emitAlertSignal } from './alerts/signals';
import { onWorkerWake } from './delivery/queue';
import { startWorker, type Worker } from './delivery/worker';
import type { FromDeliveryThread, ToDeliveryThread } from './delivery/worker-thread';
import { onDestinationControlsChanged } from './destinations/gate';
import { recordAttempt } from './metrics/registry';
import { runtime } from './runtime';
import { startPruneSchedule } from './runs/prune-schedule';
import { errorFields, logger } from './log/logger';
import { startSearchIndexer } from './runs/search-index';
import { getWorkerDbHandle } from '@/db/client';
import { startDbThread } from '@/db/threads';
import { deliveryAllowance, ingestBusy } from './ingest/pressure';
import { startScheduler, type Scheduler } from './triggers/scheduler';

// The worker (deliveries, retries) and the scheduler (schedule, poll and silence triggers) run inside the web
// process unless HOOKLINE_WORKER=off, or in their own process via `npm run worker`.
const KEY = Symbol.for('hookline.background');
type G = typeof globalThis & {
  [KEY]?: { worker: Worker; scheduler: Scheduler; stopPrune: () => void; stopIndexer: () => void };
};

export function startBackground(): void {
  const g = globalThis as G;
  if (g[KEY]) return;
  g[KEY] = {
    worker: startDeliveries(),
    scheduler: startScheduler(),
    stopPrune: startPruneSchedule(),
    stopIndexer: startIndexer(),
  };
  startAlertEngine(); // alerts (issue 8): signals from the worker and scheduler, periodic rate checks
  runtime().worker = 'running';
  runtime().scheduler = 'running';
}

/** The worker on a thread of its own for a database file (an in-memory one cannot be shared with a thread). */
function startDeliveries(): Worker {
  const { path: file } = getWorkerDbHandle();
  return file === ':memory:' || process.env.HOOKLINE_DELIVERY_THREAD === 'off'
    ? startWorker()
    : startDeliveryThread(file);
}

/** On its own thread for a database file (an in-memory one cannot be shared with a thread). */
function startIndexer(): () => void {
  const { path: file, sqlite } = getWorkerDbHandle();
  return file === ':memory:' ? startSearchIndexer(() => sqlite) : startSearchIndexerThread(file);
}

export async function stopBackground(graceMs = 10_000): Promise<void> {
  const g = globalThis as G;
  const bg = g[KEY];
  if (!bg) return;
  runtime().worker = 'stopping';
  // The scheduler first: what it fires becomes jobs, which the worker then leaves queued for the next start.
  await bg.scheduler.stop(graceMs);
  runtime().scheduler = 'off';
  bg.stopPrune();
  bg.stopIndexer();
  await bg.worker.stop(graceMs);
  delete g[KEY];
  runtime().worker = 'off';
}

/**
 * The search indexer's passes on a thread of their own (lib/runs/search-index-thread.ts) for a database file, told
 * every 50 ms whether ingest is pressed; returns a stop function. Here, not in lib/runs/search-index.ts: the app's
 * routes import that, and the bundler would follow the thread's boot file.
 */
export function startSearchIndexerThread(file: string, intervalMs = 250): () => void {
  const thread = startDbThread('lib/runs/search-index-thread.ts', file, { intervalMs });
  thread.on('error', (error) => logger.error(errorFields(error), 'Search indexer thread failed'));
  thread.on('message', (m: { stopped?: boolean }) => {
    if (m.stopped) void thread.terminate();
  });
  let pressed = false;
  const watch = setInterval(() => {
    if (ingestBusy() !== pressed) thread.postMessage({ pressed: (pressed = !pressed) });
  }, 50);
  watch.unref();
  return () => {
    clearInterval(watch);
    thread.postMessage('stop');
  };
}

type Thread = ReturnType<typeof startDbThread>;

export interface DeliveryThreadOptions {
  /** How long after a thread dies its successor starts. */
  restartDelayMs?: number;
  /** For tests: sees each thread as it starts, to end one as a crash would and to check that none is left running. */
  onThread?: (thread: Thread) => void;
}

/**
 * The delivery worker on a thread of its own (lib/delivery/worker-thread.ts), so deliveries never hold up the event
 * loop that acknowledges webhooks. The thread is woken when jobs are committed here, told when destination controls
 * change and, every 25 ms, how many deliveries ingest allows; its alert signals and attempt metrics are replayed
 * here. Should it die, a new one starts (its claims come back when their leases expire).
 */
export function startDeliveryThread(
  file: string,
  { restartDelayMs = 1000, onThread }: DeliveryThreadOptions = {},
): Worker {
  let thread: Thread;
  let stopping = false;
  let stopped: (() => void) | null = null;
  let allowance = Infinity;
  let alive = false;
  const send = (message: ToDeliveryThread) => thread.postMessage(message);
  // Set by the thread while a wake-up could start a delivery (WorkerOptions.wakeUseful). At its concurrency or held
  // back by the allowance (a burst) it needs none, and posting one per turn took ~5% of the event loop.
  const wakeUseful = new Int32Array(new SharedArrayBuffer(4));

  const start = () => {
    if (stopping) return;
    alive = true;
    Atomics.store(wakeUseful, 0, 1);
    thread = startDbThread(
      'lib/delivery/worker-thread.ts',
      file,
      { wakeUseful: wakeUseful.buffer },
      'HOOKLINE_DELIVERY_THREAD_ARGS',
    );
    if (allowance !== Infinity) send({ allowance });
    thread.on('message', (m: FromDeliveryThread) => {
      if ('stopped' in m) return stopped?.();
      for (const signal of m.signals) emitAlertSignal(signal);
      for (const [outcome, status, seconds] of m.attempts) recordAttempt(outcome, status, seconds);
    });
    thread.on('error', (error) => logger.error(errorFields(error), 'Delivery thread failed'));
    thread.on('exit', (code) => {
      alive = false;
      if (stopping) return stopped?.();
      logger.error({ code }, 'Delivery thread exited; starting a new one');
      setTimeout(start, restartDelayMs).unref();
    });
    onThread?.(thread);
  };
  start();

  // Many commits in one turn make one wake-up, and none while the thread says it would change nothing.
  let waking = false;
  const unsubscribeWake = onWorkerWake(() => {
    if (waking || Atomics.load(wakeUseful, 0) === 0) return;
    waking = true;
    setImmediate(() => {
      waking = false;
      if (Atomics.exchange(wakeUseful, 0, 0) === 1) send('wake');
    });
  });
  const unsubscribeControls = onDestinationControlsChanged(() => send('invalidate'));
  const watch = setInterval(() => {
    const now = deliveryAllowance();
    if (now !== allowance) send({ allowance: (allowance = now) });
  }, 25);
  watch.unref();

  return {
    stop(graceMs = 10_000) {
      stopping = true;
      clearInterval(watch);
      unsubscribeWake();
      unsubscribeControls();
      if (!alive) return Promise.resolve(); // died, and its successor was not started yet
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(limit);
          resolve();
          void thread.terminate();
        };
        stopped = done;
        // A thread that does not answer (stuck in a long evaluation) is ended: its jobs' leases expire.
        const limit = setTimeout(done, graceMs + 5000);
        send({ stop: graceMs });
      });
    },
  };
}
