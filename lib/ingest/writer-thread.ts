import type Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { checkpointWithSync, openIngestConnection, setAutoCheckpoint } from '@/db/client';
import { fileSync } from '@/db/wal-checkpoint';
import { openWithWalCoalescing, walCoalesceLibrary } from '@/db/wal-coalesce';
import { errorFields, logger } from '@/lib/log/logger';
import { GroupCommit } from './group-commit';
import type { WriteItem } from './write-events';

// The ingest writer thread (lib/ingest/store.ts): stores what the event loop parsed, on its own connection, so
// SQLite's work for an event runs on the other core while the event loop parses the next requests.
const { file, autoCheckpoint } = workerData as { file: string; autoCheckpoint: number };
setAutoCheckpoint(autoCheckpoint); // as the process's other connections: see db/checkpointer.ts
const sqlite = openConnection();
// The WAL is flushed after each commit (lib/ingest/group-commit.ts), its writes gathered or not; requests that arrive
// meanwhile queue up and share the next commit. The WAL exists from the first commit on and stays (SQLite reuses it)
// while the connection is open.
const wal = fileSync(`${file}-wal`);
const writer = new GroupCommit(sqlite, () => {
  wal.sync();
  try {
    backstop();
  } catch (checkpointError) {
    // What was committed is on disk: its requests are answered. The checkpointer or the next backstop catches up.
    logger.warn(errorFields(checkpointError), 'Ingest writer backstop checkpoint failed');
  }
});

/** Through the VFS that gathers each commit's WAL writes (db/wal-coalesce.ts) when it is built, else as before. */
function openConnection(): Database.Database {
  const library = walCoalesceLibrary();
  if (library) {
    try {
      return openWithWalCoalescing(library, () => openIngestConnection(file));
    } catch (error) {
      logger.warn(
        errorFields(error),
        'Ingest writer: WAL writes not gathered (the extension failed to load)',
      );
    }
  }
  return openIngestConnection(file);
}

// The checkpointer thread keeps the WAL short. Should it stall, or never find a moment between two commits to finish
// (a long burst: the WAL only starts over once a checkpoint has caught up with every frame), this connection (which
// never checkpoints by itself, see openIngestConnection) checkpoints between its own commits once the WAL holds more
// than the process's auto-checkpoint size.
let commits = 0;
function backstop(): void {
  if (++commits % 64 !== 0 || walFrames() < autoCheckpoint) return;
  checkpointWithSync(sqlite);
}

// The frames in the WAL now: `mxFrame` of the wal-index header, a u32 in native byte order at offset 16 of the -shm
// file (https://www.sqlite.org/walformat.html). Not the WAL file's size: once grown, the file keeps its size while
// SQLite writes it from the start again, and a size test then checkpointed every 64 commits for good.
let shmFd: number | null = null;
const header = Buffer.alloc(20);
const littleEndian = os.endianness() === 'LE';
function walFrames(): number {
  fs.readSync((shmFd ??= fs.openSync(`${file}-shm`, 'r')), header, 0, header.length, 0);
  return littleEndian ? header.readUInt32LE(16) : header.readUInt32BE(16);
}
const port = parentPort!;

port.on('message', (message: { id: number; items: WriteItem[] } | 'stop') => {
  if (message === 'stop') {
    return writer.write([], () => {
      wal.close();
      if (shmFd !== null) fs.closeSync(shmFd);
      sqlite.close(); // at NORMAL (db/client.ts)
      port.postMessage({ stopped: true });
    });
  }
  // The results go back as JSON text: one string is copied in ~7 µs where 16 small objects with their arrays took
  // ~40 µs to serialize, between each commit's WAL flush and its answers.
  writer.write(message.items, (error, results) =>
    port.postMessage(
      error ? { id: message.id, error: error.message } : { id: message.id, results: JSON.stringify(results) },
    ),
  );
});
