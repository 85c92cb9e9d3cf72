// The WAL checkpointer thread (db/checkpointer.ts): copies committed WAL frames back into the database file, with
// the fsyncs that go with it, so no request ever pays for a checkpoint on the event loop.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { withWriteLock } from './write-lock';

const { file, intervalMs, restartFrames } = workerData as {
  file: string;
  intervalMs: number;
  restartFrames: number;
};
const port = parentPort!;
const db = new Database(file, { fileMustExist: true });
// NORMAL: the WAL is synced before its frames are copied and the database file after, so the WAL can be reused
// safely. PASSIVE never blocks the writers; frames still being written are left for the next round.
db.pragma('synchronous = NORMAL');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');
const truncate = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)');
db.pragma('busy_timeout = 0');

// SQLite writes the WAL from its start again only when a writer begins right after a checkpoint that left no frame
// behind. Under a steady stream of commits that moment never comes (each PASSIVE round finds new frames written
// while it copied), and the WAL grew by ~100 MB/s for as long as the stream lasted. Past `restartFrames`, a RESTART
// checkpoint holds this process's writers off (its write lock, db/write-lock.ts: SQLite's busy handler alone lost
// every time to writers woken the moment the last one committed) while it copies what the PASSIVE round just left
// and waits for readers to move on, so that the next commit starts the WAL over.
const READER_WAIT_MS = 50;

interface Checkpoint {
  busy: number;
  log: number;
  checkpointed: number;
}

let lastLog = 0;
function checkpoint() {
  try {
    let { log, checkpointed } = passive.get() as Checkpoint;
    if (log >= restartFrames) {
      db.pragma(`busy_timeout = ${READER_WAIT_MS}`);
      try {
        // Busy (a reader held on, or another process writing): the next round tries again.
        ({ log, checkpointed } = withWriteLock(() => restart.get() as Checkpoint));
      } finally {
        db.pragma('busy_timeout = 0');
      }
    }
    // A quiet moment after a burst: give the space of a large WAL back (TRUNCATE waits for no one: busy_timeout 0).
    if (log === checkpointed && lastLog > 0 && log === lastLog && log > 4096) truncate.get();
    lastLog = log;
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}

const timer = setInterval(checkpoint, intervalMs);
port.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  port.postMessage({ stopped: true });
});
