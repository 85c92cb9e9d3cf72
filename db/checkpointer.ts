import type { Worker } from 'node:worker_threads';
import { logger } from '@/lib/log/logger';
import { getDbHandle, setAutoCheckpoint, SQLITE_DEFAULT_AUTOCHECKPOINT } from './client';
import { startDbThread } from './threads';
import { KEEP_WAL_MS } from './wal-checkpoint';

/**
 * WAL frames past which the checkpointer makes sure the WAL starts over (a RESTART checkpoint: it holds the writers
 * off for a moment), so a steady stream of commits cannot grow it without end (db/checkpoint-thread.ts). Under
 * bench:ingest the WAL takes ~40,000 frames a second, so it starts over every ~0.4 s at 16,384 (64 MB of frames;
 * the file peaks at ~110 MB, as the restart waits for the next round). At 65,536 (256 MB) each restart held the
 * writers off longer: the slowest acknowledgement of a run took 35–54 ms against 18–43 ms, and Hookline accepted
 * 16,650/s against 17,500/s on average (nine and six runs, interleaved; p99 ~1 ms lower at 65,536). 8,192 did no
 * better than 16,384. The WAL file stays this size after a burst for a while (db/wal-checkpoint.ts, KEEP_WAL_MS),
 * so the smaller size is also less disk held.
 */
export const RESTART_WAL_FRAMES = 16_384;

/**
 * WAL pages past which a connection checkpoints by itself (SQLite's own auto-checkpoint) while the checkpointer
 * runs: only a backstop for a stalled checkpointer thread, as a checkpoint inside a commit stalls the event loop.
 * Well above the checkpointer's own restart point, or the backstop would fire first, and again every few commits
 * until the checkpointer got the WAL to start over (131,072 pages).
 */
export const BACKSTOP_CHECKPOINT_PAGES = 8 * RESTART_WAL_FRAMES;

let checkpointer: Worker | null = null;

/** Whether this process checkpoints the WAL on its own thread (connections then leave it to that thread). */
export function checkpointerRunning(): boolean {
  return checkpointer !== null;
}

/**
 * Starts the checkpointer thread for the database file. Checkpoints copy WAL frames into the database file and
 * fsync it: as SQLite's auto-checkpoint they run inside whichever commit crosses 1,000 pages, which under load is
 * more than half of what storing an event costs the event loop.
 */
export function startCheckpointer(
  intervalMs = 200,
  restartFrames = RESTART_WAL_FRAMES,
  keepWalMs = KEEP_WAL_MS,
): void {
  const file = getDbHandle().path;
  if (checkpointer || file === ':memory:') return;
  const worker = startDbThread('db/checkpoint-thread.ts', file, { intervalMs, restartFrames, keepWalMs });
  worker.on('message', (m: { error?: string }) => {
    if (m.error) logger.warn({ error: m.error }, 'WAL checkpoint failed; retrying');
  });
  worker.on('error', (error) => logger.error({ error: error.message }, 'WAL checkpointer failed'));
  worker.on('exit', () => {
    if (checkpointer !== worker) return; // stopped on purpose
    checkpointer = null;
    setAutoCheckpoint(SQLITE_DEFAULT_AUTOCHECKPOINT); // the commits take the checkpoints back
  });
  checkpointer = worker;
  setAutoCheckpoint(BACKSTOP_CHECKPOINT_PAGES);
}

export async function stopCheckpointer(): Promise<void> {
  const worker = checkpointer;
  if (!worker) return;
  checkpointer = null;
  setAutoCheckpoint(SQLITE_DEFAULT_AUTOCHECKPOINT);
  await new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    worker.on('message', (m: { stopped?: boolean }) => {
      if (m.stopped) void worker.terminate();
    });
    worker.postMessage('stop');
  });
}
