import { startAlertEngine } from './alerts/engine';
import { startWorker, type Worker } from './delivery/worker';
import { runtime } from './runtime';
import { startPruneSchedule } from './runs/prune-schedule';
import { errorFields, logger } from './log/logger';
import { startSearchIndexer } from './runs/search-index';
import { getWorkerDbHandle } from '@/db/client';
import { startDbThread } from '@/db/threads';
import { ingestBusy } from './ingest/pressure';
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
    worker: startWorker(),
    scheduler: startScheduler(),
    stopPrune: startPruneSchedule(),
    stopIndexer: startIndexer(),
  };
  startAlertEngine(); // alerts (issue 8): signals from the worker and scheduler, periodic rate checks
  runtime().worker = 'running';
  runtime().scheduler = 'running';
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
