// The WAL checkpointer thread (db/checkpointer.ts): copies committed WAL frames back into the database file, with
// the fsyncs that go with it, so no request ever pays for a checkpoint on the event loop.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { errorFields, logger } from '@/lib/log/logger';
import { fileSync, walCheckpointer } from './wal-checkpoint';
import { openWithCheckpointGathering, walCoalesceLibrary } from './wal-coalesce';

const { file, intervalMs, restartFrames, keepWalMs } = workerData as {
  file: string;
  intervalMs: number;
  restartFrames: number;
  keepWalMs: number;
};
const port = parentPort!;
const db = openConnection();
// NORMAL: the WAL is synced before its frames are copied and the database file after (db/wal-checkpoint.ts).
db.pragma('synchronous = NORMAL');
const dbFile = fileSync(file);
const round = walCheckpointer(db, restartFrames, dbFile.sync, { keepWalMs });

/** Through the VFS that gathers the pages a checkpoint copies (db/wal-coalesce.ts) when it is built, else as before. */
function openConnection(): Database.Database {
  const open = () => new Database(file, { fileMustExist: true });
  const library = walCoalesceLibrary();
  if (library) {
    try {
      return openWithCheckpointGathering(library, open);
    } catch (error) {
      logger.warn(
        errorFields(error),
        'WAL checkpointer: page writes not gathered (the extension failed to load)',
      );
    }
  }
  return open();
}

function checkpoint() {
  try {
    round();
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}

const timer = setInterval(checkpoint, intervalMs);
port.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  dbFile.close();
  db.close();
  port.postMessage({ stopped: true });
});
