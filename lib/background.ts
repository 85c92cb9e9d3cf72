import { startAlertEngine } from './alerts/engine';
import { startWorker, type Worker } from './delivery/worker';
import { runtime } from './runtime';
import { startPruneSchedule } from './runs/prune-schedule';
import { startSearchIndexer } from './runs/search-index';
import { getWorkerDbHandle } from '@/db/client';
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
    stopIndexer: startSearchIndexer(() => getWorkerDbHandle().sqlite),
  };
  startAlertEngine(); // alerts (issue 8): signals from the worker and scheduler, periodic rate checks
  runtime().worker = 'running';
  runtime().scheduler = 'running';
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
