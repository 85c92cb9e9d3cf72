import { getEnvironmentData, isMainThread, setEnvironmentData, threadId } from 'node:worker_threads';

// One write lock for all the threads of this process (the event loop, the ingest writer, the worker's bookkeeping
// thread), taken around every IMMEDIATE transaction (db/client.ts). SQLite has its own lock, and it stays the one
// that keeps the data right; but a connection that finds SQLite's lock taken sleeps in its busy handler for 1, 2,
// 5, 10, 15, 20… ms before looking again, so two busy threads of one process could hold each other up for tens of
// milliseconds at a time. Waiting on this lock instead wakes the next writer the moment the last one commits.
// Other processes (the CLI, `npm run worker`) still meet SQLite's busy handler, as before. It is also held while a
// thread opens a connection through the WAL-gathering VFS, which is the process's default for that moment
// (db/wal-coalesce.ts).
const ENV_KEY = 'hookline.writeLock';
const STATE_KEY = Symbol.for('hookline.writeLock.thread');
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
/**
 * Hand-overs in a row that nobody took make this thread take the waiters it counts for dead, for a while: a dead one
 * then costs 100 ms per 10 s of back-to-back commits, not 2 ms each. Not after a few: a live waiter can miss some (a GC
 * pause, no free core), and taken for dead it lost its turns.
 */
const UNANSWERED_FOR_GHOSTS = 50;
const GHOSTS_FOR_MS = 10_000;

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

interface ThreadState {
  /** Transactions nested in the one holding the lock. */
  n: number;
  /** When this thread last released the lock while others waited. */
  handedOverAt: number;
  /** Hand-overs in a row that waited HAND_OVER_MS and none of the waiters took the lock. */
  unanswered: number;
  /**
   * Waiters taken for dead until `ghostsUntil` (a thread terminated while it waited never takes its name off):
   * meanwhile the lock is handed over only while more are waiting.
   */
  ghosts: number;
  ghostsUntil: number;
}

/** This thread's side of the lock, on globalThis: the custom server and Next's bundle each load this module. */
function threadState(): ThreadState {
  const g = globalThis as typeof globalThis & { [STATE_KEY]?: ThreadState };
  return (g[STATE_KEY] ??= {
    n: 0,
    handedOverAt: -Infinity,
    unanswered: 0,
    ghosts: 0,
    ghostsUntil: -Infinity,
  });
}

/** How many threads wait for the lock, or null if none but those this thread takes for dead. */
function othersWaiting(lock: Int32Array, state: ThreadState, now: number): number | null {
  const waiting = Atomics.load(lock, WAITERS);
  return waiting > (now < state.ghostsUntil ? state.ghosts : 0) ? waiting : null;
}

function acquire(lock: Int32Array, me: number, state: ThreadState): void {
  // Back right after handing the lock on: a waiter first. Otherwise a thread that commits in a loop takes the lock
  // straight back, before the waiter it woke gets a core, and on a busy machine the checkpointer's RESTART
  // (db/checkpoint-thread.ts) waited through thousands of commits.
  const now = performance.now();
  const waiting = now - state.handedOverAt < HAND_OVER_WINDOW_MS ? othersWaiting(lock, state, now) : null;
  if (waiting === null && Atomics.compareExchange(lock, HOLDER, 0, me) === 0) return took(lock);
  // Counted among the waiters from here on, handing over included: the thread it hands to hands back in turn.
  Atomics.add(lock, WAITERS, 1);
  try {
    if (waiting !== null) handOver(lock, state, waiting);
    const deadline = performance.now() + STEAL_AFTER_MS;
    for (;;) {
      const holder = Atomics.load(lock, HOLDER);
      if (holder === 0) {
        if (Atomics.compareExchange(lock, HOLDER, 0, me) === 0) return took(lock);
        continue;
      }
      if (performance.now() > deadline) {
        if (Atomics.compareExchange(lock, HOLDER, holder, me) === holder) return took(lock);
        continue;
      }
      Atomics.wait(lock, HOLDER, holder, 20);
    }
  } finally {
    Atomics.sub(lock, WAITERS, 1);
  }
}

/** Wakes a thread handing the lock over (it waits for it to be taken), if anyone waits at all. */
function took(lock: Int32Array): void {
  if (Atomics.load(lock, WAITERS) > 0) Atomics.notify(lock, HOLDER);
}

/** Leaves the free lock to the `waiting` others until one has taken it, for at most HAND_OVER_MS. */
function handOver(lock: Int32Array, state: ThreadState, waiting: number): void {
  const until = performance.now() + HAND_OVER_MS;
  for (
    let left = HAND_OVER_MS;
    Atomics.load(lock, HOLDER) === 0 && left > 0;
    left = until - performance.now()
  ) {
    Atomics.wait(lock, HOLDER, 0, left);
  }
  state.unanswered = Atomics.load(lock, HOLDER) === 0 ? state.unanswered + 1 : 0;
  if (state.unanswered >= UNANSWERED_FOR_GHOSTS) {
    state.unanswered = 0;
    state.ghosts = waiting;
    state.ghostsUntil = performance.now() + GHOSTS_FOR_MS;
  }
}

function release(lock: Int32Array, me: number, state: ThreadState): void {
  // Not ours any more if it was taken over after STEAL_AFTER_MS: leave it to its new holder.
  if (Atomics.compareExchange(lock, HOLDER, me, 0) !== me) return;
  const now = performance.now();
  if (othersWaiting(lock, state, now) !== null) state.handedOverAt = now;
  Atomics.notify(lock, HOLDER, 1);
}

/** Runs `fn` holding the process's write lock; re-entrant within a thread (nested transactions are savepoints). */
export function withWriteLock<T>(fn: () => T): T {
  const d = threadState();
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
  acquire(lock, me, d);
  d.n = 1;
  try {
    return fn();
  } finally {
    d.n = 0;
    release(lock, me, d);
  }
}

/** Threads waiting for the lock now, counting any that died waiting (for tests). */
export function writeLockWaiters(): number {
  return Atomics.load(lockWord(), WAITERS);
}

/** Whether a thread holds the lock now (for tests). */
export function writeLockHeld(): boolean {
  return Atomics.load(lockWord(), HOLDER) !== 0;
}

/** Creates the shared lock on the main thread before any thread starts, so that every thread gets it. */
export function prepareWriteLock(): void {
  lockWord();
}
