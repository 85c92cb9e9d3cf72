import { parentPort } from 'node:worker_threads';

// A db thread that does nothing (db/threads.test.ts): says it runs, then waits to be terminated.
parentPort!.postMessage('running');
parentPort!.on('message', () => {});
