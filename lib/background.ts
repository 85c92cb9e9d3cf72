import { startWorker, type Worker } from './delivery/worker';
import { runtime } from './runtime';

// The worker (deliveries, retries) and, later, the scheduler run inside the web process unless HOOKLINE_WORKER=off,
// or in their own process via `npm run worker`.
const KEY = Symbol.for('hookline.background');
type G = typeof globalThis & { [KEY]?: { worker: Worker } };

export function startBackground(): void {
  const g = globalThis as G;
  if (g[KEY]) return;
  g[KEY] = { worker: startWorker() };
  runtime().worker = 'running';
}

export async function stopBackground(graceMs = 10_000): Promise<void> {
  const g = globalThis as G;
  const bg = g[KEY];
  if (!bg) return;
  runtime().worker = 'stopping';
  await bg.worker.stop(graceMs);
  delete g[KEY];
  runtime().worker = 'off';
}
