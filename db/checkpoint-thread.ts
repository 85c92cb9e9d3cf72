// The WAL checkpointer thread (db/checkpointer.ts): copies committed WAL frames back into the database file, with
// the fsyncs that go with it, so no request ever pays for a checkpoint on the event loop.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const db = new Database(workerData.file, { fileMustExist: true });
// NORMAL: the WAL is synced before its frames are copied and the database file after, so the WAL can be reused
// safely. PASSIVE never blocks the writers; frames still being written are left for the next round.
db.pragma('synchronous = NORMAL');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const truncate = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)');
db.pragma('busy_timeout = 0');

let lastLog = 0;
function checkpoint() {
  try {
    const { log, checkpointed } = passive.get();
    // A quiet moment after a burst: give the space of a large WAL back (TRUNCATE waits for no one: busy_timeout 0).
    if (log === checkpointed && lastLog > 0 && log === lastLog && log > 4096) truncate.get();
    lastLog = log;
  } catch (error) {
    parentPort.postMessage({ error: String(error?.message ?? error) });
  }
}

const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage({ stopped: true });
});
