import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { openWithWalCoalescing, walCoalesceLibrary } from '@/db/wal-coalesce';

// A db thread for db/wal-coalesce.test.ts: opens `rounds` connections through the WAL-gathering VFS, one after
// another, while other such threads do the same, and answers with why those that came out not gathered did.
const { file, rounds } = workerData as { file: string; rounds: number };
const missed: string[] = [];
for (let i = 0; i < rounds; i++) {
  try {
    openWithWalCoalescing(walCoalesceLibrary()!, () => {
      // A slow start to the open (a cold disk, a busy core): the moment another thread could give the default back.
      const until = performance.now() + 1;
      while (performance.now() < until);
      return new Database(file);
    }).close();
  } catch (error) {
    missed.push((error as Error).message); // "not opened through": another thread gave the default back meanwhile
  }
}
parentPort!.postMessage({ missed });
