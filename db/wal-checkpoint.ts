import type Database from 'better-sqlite3';
import fs from 'node:fs';
import { withWriteLock } from './write-lock';

// What the checkpointer thread (db/checkpoint-thread.ts) does every round, on its own connection at
// synchronous=NORMAL: the WAL is synced before its frames are copied and the database file after, so the WAL can be
// reused safely. PASSIVE never blocks the writers; frames still being written are left for the next round.
//
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

/** fdatasync of one file, through a descriptor opened at the first sync and kept until `close`. */
export function fileSync(file: string): { sync(): void; close(): void } {
  let fd: number | null = null;
  return {
    sync: () => fs.fdatasyncSync((fd ??= fs.openSync(file, 'r'))),
    close: () => {
      if (fd !== null) fs.closeSync(fd);
      fd = null;
    },
  };
}

/** One checkpoint round as the thread runs it; throws what SQLite (or the sync) threw. */
export function walCheckpointer(
  db: Database.Database,
  restartFrames: number,
  syncDatabaseFile: () => void,
): () => void {
  const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');
  const truncate = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)');
  db.pragma('busy_timeout = 0');
  let lastLog = 0;
  return () => {
    let { log, checkpointed } = passive.get() as Checkpoint;
    if (log >= restartFrames) {
      // Under a steady stream of commits a PASSIVE round seldom syncs the database file: SQLite syncs it only when the
      // round ends at the WAL's last frame, and commits made while it copied move that on. The pages copied pile up
      // unsynced in the OS's cache, and the RESTART (which does reach the last frame) wrote them all out in its own
      // sync: 22–91 ms under bench:ingest, holding the write lock, so every writer, and every webhook waiting on the
      // ingest writer, stalled with it. Synced here first, without the lock, the RESTART held it 3–14 ms.
      syncDatabaseFile();
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
  };
}
