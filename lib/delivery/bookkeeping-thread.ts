import { parentPort, workerData } from 'node:worker_threads';
import { openWorkerConnection, setAutoCheckpoint } from '@/db/client';
import { applyOps, type BookkeepingOp } from './bookkeeping';
import { writeBatched } from './write-batch';

// The worker's bookkeeping thread (lib/delivery/bookkeeping-writer.ts): claims and delivery records, on its own
// connection, group-committed (write-batch.ts), while the event loop renders and sends the next requests.
const { file, autoCheckpoint } = workerData as { file: string; autoCheckpoint: number };
setAutoCheckpoint(autoCheckpoint); // as the process's other connections: see db/checkpointer.ts
const sqlite = openWorkerConnection(file);
// Every delivery touches the same few index pages (the jobs queue, runs by status) and the newest pages of each
// table: a page cache larger than the default 2 MB keeps them parsed in memory instead of re-read from the OS.
sqlite.pragma('cache_size = -65536');
const port = parentPort!;

export type CallOutcome = { results: unknown[] } | { error: string };

port.on('message', (message: { id: number; calls: BookkeepingOp[][] } | 'stop') => {
  if (message === 'stop') {
    // The write queue is in order: this empty write commits after everything received before it.
    return void writeBatched(sqlite, () => null).finally(() => {
      sqlite.close();
      port.postMessage({ stopped: true });
    });
  }
  void Promise.all(
    message.calls.map((ops) =>
      writeBatched(sqlite, () => applyOps(sqlite, ops)).then(
        (results): CallOutcome => ({ results }),
        (error: unknown): CallOutcome => ({ error: error instanceof Error ? error.message : String(error) }),
      ),
    ),
  ).then((outcomes) => port.postMessage({ id: message.id, outcomes }));
});
