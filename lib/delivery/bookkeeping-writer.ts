import type { Worker } from 'node:worker_threads';
import { getWorkerDbHandle } from '@/db/client';
import { startDbThread, threadCalls } from '@/db/threads';
import { applyOps, type BookkeepingOp } from './bookkeeping';
import type { CallOutcome } from './bookkeeping-thread';
import { writeBatched } from './write-batch';

// Where the worker's bookkeeping ops (lib/delivery/bookkeeping.ts) are applied. On a database file: a thread with its
// own connection, so the event loop never runs SQLite writes nor waits for the write lock (the ingest writer and
// other processes commit too). An in-memory database cannot be shared with a thread: its writes stay here.
// Either way writes are applied in the order they were made, and each call lands whole or not at all.

export interface BookkeepingWriter {
  write(ops: BookkeepingOp[]): Promise<unknown[]>;
  /** Lets the writer finish what it was given, then stops it. */
  stop(): Promise<void>;
}

interface Call {
  ops: BookkeepingOp[];
  resolve: (results: unknown[]) => void;
  reject: (error: Error) => void;
}

/** Exported for tests; the worker goes through `bookkeep`. */
export function startBookkeepingThread(
  file: string,
  onExit?: () => void,
): BookkeepingWriter & { thread: Worker } {
  let calls: Call[] = [];
  let scheduled = false;
  const thread = threadCalls<{ calls: BookkeepingOp[][] }, { outcomes: CallOutcome[] }>(
    startDbThread('lib/delivery/bookkeeping-thread.ts', file, {}, 'HOOKLINE_BOOKKEEPING_THREAD_ARGS'),
    'Bookkeeping',
    () => {
      // What it had not answered may or may not be committed: the callers see an error, and the leases of their
      // jobs run out, so the jobs run again (at least once).
      for (const c of calls) c.reject(thread.exited()!);
      calls = [];
      onExit?.();
    },
  );

  // Calls made in the same turn of the event loop cross to the thread as one message.
  const post = () => {
    scheduled = false;
    const batch = calls;
    calls = [];
    if (batch.length === 0) return;
    thread.call({ calls: batch.map((c) => c.ops) }, (error, reply) => {
      if (error) return batch.forEach((c) => c.reject(error));
      reply!.outcomes.forEach((o, i) =>
        'error' in o ? batch[i].reject(new Error(o.error)) : batch[i].resolve(o.results),
      );
    });
  };

  return {
    thread: thread.thread,
    write(ops) {
      const exited = thread.exited();
      if (exited) return Promise.reject(exited);
      return new Promise((resolve, reject) => {
        calls.push({ ops, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(post);
        }
      });
    },
    stop() {
      post();
      return thread.stop();
    },
  };
}

function inProcessWriter(): BookkeepingWriter {
  const { sqlite } = getWorkerDbHandle();
  return { write: (ops) => writeBatched(sqlite, () => applyOps(sqlite, ops)), stop: async () => {} };
}

let writer: BookkeepingWriter | null = null;

function getWriter(): BookkeepingWriter {
  if (!writer) {
    const file = getWorkerDbHandle().path;
    if (file === ':memory:') writer = inProcessWriter();
    else {
      const w = startBookkeepingThread(file, () => {
        if (writer === w) writer = null; // the next write starts a new thread
      });
      writer = w;
    }
  }
  return writer;
}

/** Applies `ops` in order, in one savepoint of a group commit; resolves with one result per op once committed. */
export function bookkeep(ops: BookkeepingOp[]): Promise<unknown[]> {
  return getWriter().write(ops);
}

export async function stopBookkeeping(): Promise<void> {
  const w = writer;
  writer = null;
  await w?.stop();
}
