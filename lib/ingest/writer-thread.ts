import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openIngestConnection, setAutoCheckpoint } from '@/db/client';
import { WalSync } from '@/db/wal-sync';
import { GroupCommit } from './group-commit';
import type { WriteItem } from './write-events';

// The ingest writer thread (lib/ingest/store.ts): stores what the event loop parsed, on its own connection, so
// SQLite's work for an event runs on the other core while the event loop parses the next requests.
const { file, autoCheckpoint } = workerData as { file: string; autoCheckpoint: number };
setAutoCheckpoint(autoCheckpoint); // as the process's other connections: see db/checkpointer.ts
const sqlite = openIngestConnection(file);
// The flush runs on this thread, right after the commit: requests that arrive meanwhile queue up and share the next
// commit, and nothing waits behind a commit for a thread-pool callback.
const walSync = new WalSync(`${file}-wal`, (fd, done) => {
  try {
    fs.fdatasyncSync(fd);
  } catch (error) {
    return done(error as NodeJS.ErrnoException);
  }
  done(null);
});
const writer = new GroupCommit(sqlite, walSync);
const port = parentPort!;

port.on('message', (message: { id: number; items: WriteItem[] } | 'stop') => {
  if (message === 'stop') {
    // An empty write is answered after everything queued before it is committed and flushed.
    return writer.write([], () => {
      walSync.close();
      sqlite.close();
      port.postMessage({ stopped: true });
    });
  }
  writer.write(message.items, (error, results) =>
    port.postMessage(error ? { id: message.id, error: error.message } : { id: message.id, results }),
  );
});
port.postMessage({ ready: true });
