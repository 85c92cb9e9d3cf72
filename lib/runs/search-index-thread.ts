import { parentPort, workerData } from 'node:worker_threads';
import { openWorkerConnection, setAutoCheckpoint } from '@/db/client';
import { startSearchIndexer } from './search-index';

// The background search indexer's thread (lib/runs/search-index.ts; started by startSearchIndexerThread in
// lib/background.ts): tokenising event bodies and FTS5's segment merges (16–90 ms in some passes) run on their own
// connection, never on the event loop that answers webhooks and runs the in-process worker. The event loop says
// when ingest is pressed.
const { file, autoCheckpoint, intervalMs } = workerData as {
  file: string;
  autoCheckpoint: number;
  intervalMs: number;
};
setAutoCheckpoint(autoCheckpoint); // as the process's other connections: see db/checkpointer.ts
const sqlite = openWorkerConnection(file);
const port = parentPort!;
let pressed = false;
const stop = startSearchIndexer(() => sqlite, { intervalMs, busy: () => pressed });

port.on('message', (message: { pressed: boolean } | 'stop') => {
  if (message !== 'stop') {
    pressed = message.pressed;
    return;
  }
  stop();
  sqlite.close(); // at NORMAL (db/client.ts)
  port.postMessage({ stopped: true });
});
