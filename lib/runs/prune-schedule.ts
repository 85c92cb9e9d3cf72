import { pruneHistory } from '@/lib/retention';

const DAY = 86_400_000;
const FIRST_RUN_DELAY = 60_000;

let running = false;

async function pruneOnce(): Promise<void> {
  if (running) return; // a slow prune must not overlap the next one
  running = true;
  try {
    const result = await pruneHistory();
    if (result.events > 0) console.log(`Pruned ${result.events} events past the retention period`);
  } catch (error) {
    console.error('Scheduled prune failed', error);
  } finally {
    running = false;
  }
}

/**
 * Prunes history once shortly after start and then once a day. Timers are unref'd so they never keep the process
 * alive; returns a function that stops the schedule.
 */
export function startPruneSchedule(options: { firstDelayMs?: number; intervalMs?: number } = {}): () => void {
  const first = setTimeout(() => void pruneOnce(), options.firstDelayMs ?? FIRST_RUN_DELAY);
  const daily = setInterval(() => void pruneOnce(), options.intervalMs ?? DAY);
  first.unref();
  daily.unref();
  return () => {
    clearTimeout(first);
    clearInterval(daily);
  };
}
