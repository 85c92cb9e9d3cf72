// A thread for db/write-lock.test.ts, started through lib/ingest/writer-boot.mjs: holds the process's write lock
// in a transaction of its own connection until told to go on (or, with `forever`, until it is terminated). With
// `waiter`, it says 'ready', waits to be told to go, then commits `rows` rows keyed waiter-<n>, one transaction each.
import { parentPort, workerData } from 'node:worker_threads';
import { openWorkerConnection } from '@/db/client';

const { file, go, rows, forever, waiter } = workerData as {
  file: string;
  go: SharedArrayBuffer;
  rows: number;
  forever: boolean;
  waiter: boolean;
};
const flag = new Int32Array(go);
const sqlite = openWorkerConnection(file);
const insert = sqlite.prepare(`insert into settings (key, value) values (?, 'thread')`);
if (waiter) {
  parentPort!.postMessage('ready');
  Atomics.wait(flag, 0, 0);
  for (let i = 0; i < rows; i++) sqlite.transaction(() => insert.run(`waiter-${i}`))();
} else
  sqlite.transaction(() => {
    insert.run('thread-0');
    parentPort!.postMessage('holding');
    Atomics.wait(flag, 0, 0); // until the test says go (never, with `forever`)
    if (forever) Atomics.wait(flag, 0, 1);
    // Still inside the transaction: work enough that the test's own transaction is already waiting for this one.
    for (let i = 1; i < rows; i++) insert.run(`thread-${i}`);
  })();
sqlite.close();
parentPort!.postMessage('done');
