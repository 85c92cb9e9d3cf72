import { startCheckpointer, stopCheckpointer } from '@/db/checkpointer';
import { closeDb, getDbHandle } from '@/db/client';
import { startBackground, stopBackground } from '@/lib/background';
import { ensureGeneratedSecrets } from '@/lib/env';

// `npm run worker`: the worker and scheduler as their own process, against the same database as the web process
// (which then runs with HOOKLINE_WORKER=off). It polls for due work at most every 250 ms.
ensureGeneratedSecrets();
getDbHandle();
startCheckpointer();
startBackground();
console.log('Hookline worker running');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: letting in-flight requests finish (up to 10 s)`);
  await stopBackground(10_000);
  await stopCheckpointer();
  closeDb();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
