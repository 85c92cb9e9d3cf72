import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { checkpointWithSync, openIngestConnection, setAutoCheckpoint } from '@/db/client';
import { GroupCommit } from './group-commit';
import type { WriteItem } from './write-events';

// The ingest writer thread (lib/ingest/store.ts): stores what the event loop parsed, on its own connection, so
// SQLite's work for an event runs on the other core while the event loop parses the next requests.
const { file, autoCheckpoint } = workerData as { file: string; autoCheckpoint: number };
setAutoCheckpoint(autoCheckpoint); // as the process's other connections: see db/checkpointer.ts
const sqlite = openIngestConnection(file);
// The WAL is flushed on this thread right after each commit: requests that arrive meanwhile queue up and share the
// next commit. The WAL exists from the first commit on and stays (SQLite reuses it) while the connection is open.
let walFd: number | null = null;
const writer = new GroupCommit(sqlite, () => {
  fs.fdatasyncSync((walFd ??= fs.openSync(`${file}-wal`, 'r')));
  backstop();
});

// The checkpointer thread keeps the WAL short. Should it stall, this connection (which never checkpoints by itself,
// see openIngestConnection) checkpoints once the WAL is past the process's auto-checkpoint size.
const backstopBytes = autoCheckpoint * (sqlite.pragma('page_size', { simple: true }) as number);
let commits = 0;
function backstop(): void {
  if (++commits % 64 !== 0 || fs.fstatSync(walFd!).size < backstopBytes) return;
  checkpointWithSync(sqlite);
}
const port = parentPort!;

port.on('message', (message: { id: number; items: WriteItem[] } | 'stop') => {
  if (message === 'stop') {
    return writer.write([], () => {
      if (walFd !== null) fs.closeSync(walFd);
      sqlite.close(); // at NORMAL (db/client.ts)
      port.postMessage({ stopped: true });
    });
  }
  writer.write(message.items, (error, results) =>
    port.postMessage(error ? { id: message.id, error: error.message } : { id: message.id, results }),
  );
});
