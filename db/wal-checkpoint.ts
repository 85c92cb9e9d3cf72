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
/** WAL frames a burst's WAL holds at least: a WAL file that large is worth keeping for the next burst, or giving back. */
const LARGE_WAL_FRAMES = 4096;

/**
 * How long a large WAL file is kept once no burst writes it. A WAL that SQLite writes from its start again is
 * overwritten in place, in pages the page cache already holds. A WAL that starts from nothing grows with every
 * commit, into new page cache pages and new blocks: 333 µs and 137 µs of CPU per 137 KB commit and its fdatasync,
 * against 203 µs and 77 µs in place (ext4 without a journal on the 2-core machine, whose host takes freed memory
 * back: a first write to such a page costs ~6.5 µs). When the WAL was given back at the first quiet moment, a burst
 * after a pause of a second ran its first 1.5 s (up to the first restart, at 65,536 frames then) at 10–11k
 * webhooks/s instead of 15–17k. Kept this long, bursts minutes apart find it ready; a quieter server gives the space
 * back.
 */
export const KEEP_WAL_MS = 10 * 60_000;

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
  { keepWalMs = KEEP_WAL_MS, now = Date.now }: { keepWalMs?: number; now?: () => number } = {},
): () => void {
  const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');
  const truncate = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)');
  // Changes whenever another connection has committed since this one last asked.
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  db.pragma('busy_timeout = 0');
  const frameBytes = (db.pragma('page_size', { simple: true }) as number) + 24;
  const walBytes = () => fs.statSync(`${db.name}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  let lastVersion: number | undefined;
  let burstAt = now();
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
    // Give the space of a large WAL back (TRUNCATE waits for no one: busy_timeout 0, and is tried again next round)
    // once no burst has written it for keepWalMs, or at the first quiet moment if it outgrew its restart cycles (a
    // reader held the restarts off).
    const version = dataVersion.get();
    const written = version !== lastVersion;
    lastVersion = version;
    if (written && log > LARGE_WAL_FRAMES) burstAt = now();
    const bytes = walBytes();
    if (bytes > LARGE_WAL_FRAMES * frameBytes) {
      const quiet = !written && log === checkpointed;
      if (now() - burstAt >= keepWalMs || (quiet && bytes > 2 * restartFrames * frameBytes)) truncate.get();
    }
  };
}
