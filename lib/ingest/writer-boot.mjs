// Worker threads do not inherit the tsx loader that runs the server: register it, then start the TypeScript entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';
import { nameThread } from '../thread-name.mjs';

if (workerData.threadName) nameThread(workerData.threadName); // db/threads.ts
register();
await import(workerData.entry);
