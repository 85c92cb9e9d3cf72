import { parentPort, workerData } from 'node:worker_threads';
import { closeDb, setAutoCheckpoint } from '@/db/client';
import { setAlertListener, type AlertSignal } from '@/lib/alerts/signals';
import { invalidateDestinationControls } from '@/lib/destinations/gate';
import { forwardAttempts, type AttemptRecord } from '@/lib/metrics/registry';
import { wakeWorker } from './queue';
import { startWorker } from './worker';

// The delivery worker's thread (lib/background.ts): claims, renders, sends and records deliveries on a core of its
// own, so the event loop that acknowledges webhooks never waits behind them. What the worker reports (alert
// signals, attempt metrics) goes to the main thread, where the alert engine and /metrics live, once per turn; what
// the main thread knows (new jobs, changed destination controls, ingest's allowance) comes here as messages.
export type ToDeliveryThread = 'wake' | 'invalidate' | { allowance: number } | { stop: number };

export type FromDeliveryThread = { signals: AlertSignal[]; attempts: AttemptRecord[] } | { stopped: true };

const { autoCheckpoint, wakeUseful } = workerData as {
  autoCheckpoint: number;
  wakeUseful: SharedArrayBuffer;
};
setAutoCheckpoint(autoCheckpoint); // as the process's other connections: see db/checkpointer.ts
const port = parentPort!;

let signals: AlertSignal[] = [];
let attempts: AttemptRecord[] = [];
let flushing = false;
function report(): void {
  if (flushing) return;
  flushing = true;
  setImmediate(flush);
}
function flush(): void {
  flushing = false;
  if (signals.length === 0 && attempts.length === 0) return;
  port.postMessage({ signals, attempts } satisfies FromDeliveryThread);
  signals = [];
  attempts = [];
}
setAlertListener((signal) => {
  signals.push(signal);
  report();
});
forwardAttempts((record) => {
  attempts.push(record);
  report();
});

let allowance = Infinity;
// The main thread sends 'wake' after a commit only while this says it could start something (lib/background.ts).
const wakeFlag = new Int32Array(wakeUseful);
const worker = startWorker({
  allowance: () => allowance,
  claimHere: true,
  wakeUseful: (useful) => Atomics.store(wakeFlag, 0, useful ? 1 : 0),
});

port.on('message', (message: ToDeliveryThread) => {
  if (message === 'wake') wakeWorker();
  else if (message === 'invalidate') invalidateDestinationControls();
  else if ('allowance' in message) {
    // A raised allowance (the burst is over) is put to use now, not when the throttled round's timer comes round.
    const raised = message.allowance > allowance;
    allowance = message.allowance;
    if (raised) wakeWorker();
  } else if ('stop' in message) {
    void worker.stop(message.stop).finally(() => {
      flush();
      closeDb();
      port.postMessage({ stopped: true } satisfies FromDeliveryThread);
    });
  }
});
