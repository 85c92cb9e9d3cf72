import { getEnvironmentData, isMainThread, setEnvironmentData, threadId } from 'node:worker_threads';

// One write lock for all the threads of this process (the event loop, the ingest writer, the worker's bookkeeping
// thread), taken around every IMMEDIATE transaction (db/client.ts). SQLite has its own lock, and it stays the one
// that keeps the data right; but a connection that finds SQLite's lock taken sleeps in its busy handler for 1, 2,
// 5, 10, 15, 20… ms before looking again, so two busy threads of one process could hold each other up for tens of
// milliseconds at a time. Waiting on this lock instead wakes the next writer the moment the last one commits.
// Other processes (the CLI, `npm run worker`) still meet SQLite's busy handler, as before.
const ENV_KEY = 'hookline.writeLock';
const DEPTH_KEY = Symbol.for('hookline.writeLock.depth');
/** A holder this long is taken to have died holding the lock (a terminated thread): SQLite decides from then on. */
const STEAL_AFTER_MS = 2_000;
/** The lock's shared words: who holds it (threadId + 1, or 0), and how many threads wait for it. */
const HOLDER = 0;
const WAITERS = 1;
/**
 * A thread that takes the lock again within this long of releasing it while others waited is committing in a loop:
 * it lets a waiter have the lock first, for at most HAND_OVER_MS. (The ingest writer comes back only after its WAL
 * flush, ~0.7 ms: by then a waiter had its chance, and the writer does not stop for it.)
 */
const HAND_OVER_WINDOW_MS = 0.25;
const HAND_OVER_MS = 2;
/** When this thread last released the lock while others waited. */
let handedOverAt = -Infinity;

let word: Int32Array | null = null;

function lockWord(): Int32Array {
  if (word) return word;
  let shared = getEnvironmentData(ENV_KEY) as SharedArrayBuffer | undefined;
  if (!shared) {
    shared = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    // Threads started from now on get the same memory (environment data is copied into every new thread, and a
    // SharedArrayBuffer is shared, not copied). Only the main thread creates it, before it starts any thread.
    if (isMainThread) setEnvironmentData(ENV_KEY, shared);
  }
  return (word = new Int32Array(shared));
}

function depth(): { n: number } {
  const g = globalThis as typeof globalThis & { [DEPTH_KEY]?: { n: number } };
  return (g[DEPTH_KEY] ??= { n: 0 });
}

function acquire(lock: Int32Array, me: number): void {
  // Back right after handing the lock on: a waiter first. Otherwise a thread that commits in a loop takes the lock
  // straight back, before the waiter it woke gets a core, and on a busy machine the checkpointer's RESTART
  // (db/checkpoint-thread.ts) waited through thousands of commits.
  if (performance.now() - handedOverAt < HAND_OVER_WINDOW_MS) {
    const waiting = Atomics.load(lock, WAITERS);
    if (waiting > 0 && Atomics.load(lock, HOLDER) === 0) Atomics.wait(lock, WAITERS, waiting, HAND_OVER_MS);
  }
  if (Atomics.compareExchange(lock, HOLDER, 0, me) === 0) return;
  Atomics.add(lock, WAITERS, 1);
  try {
    const deadline = performance.now() + STEAL_AFTER_MS;
    for (;;) {
      const holder = Atomics.load(lock, HOLDER);
      if (holder === 0) {
        if (Atomics.compareExchange(lock, HOLDER, 0, me) === 0) return;
        continue;
      }
      if (performance.now() > deadline) {
        if (Atomics.compareExchange(lock, HOLDER, holder, me) === holder) return;
        continue;
      }
      Atomics.wait(lock, HOLDER, holder, 20);
    }
  } finally {
    Atomics.sub(lock, WAITERS, 1);
    Atomics.notify(lock, WAITERS); // the thread that handed the lock on goes on at once
  }
}

function release(lock: Int32Array, me: number): void {
  // Not ours any more if it was taken over after STEAL_AFTER_MS: leave it to its new holder.
  if (Atomics.compareExchange(lock, HOLDER, me, 0) !== me) return;
  if (Atomics.load(lock, WAITERS) > 0) handedOverAt = performance.now();
  Atomics.notify(lock, HOLDER, 1);
}

/** Runs `fn` holding the process's write lock; re-entrant within a thread (nested transactions are savepoints). */
export function withWriteLock<T>(fn: () => T): T {
  const d = depth();
  if (d.n > 0) {
    d.n++;
    try {
      return fn();
    } finally {
      d.n--;
    }
  }
  const lock = lockWord();
  const me = threadId + 1;
  acquire(lock, me);
  d.n = 1;
  try {
    return fn();
  } finally {
    d.n = 0;
    release(lock, me);
  }
}

/** Creates the shared lock on the main thread before any thread starts, so that every thread gets it. */
export function prepareWriteLock(): void {
  lockWord();
}
