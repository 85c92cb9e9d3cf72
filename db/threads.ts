import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ChurnTable } from '@/lib/churn-table';
import { errorFields, logger } from '@/lib/log/logger';
import { autoCheckpointPages } from './client';
import { prepareWriteLock } from './write-lock';

/**
 * The name a thread started from `entry` shows in `top -H`, `ps -L` and perf on Linux (15 characters at most):
 * `hl-` and the module's name without `-thread` (lib/ingest/writer-thread.ts: hl-writer).
 */
export function threadName(entry: string): string {
  return `hl-${path.basename(entry).replace(/(-thread)?\.[cm]?[jt]s$/, '')}`.slice(0, 15);
}

/**
 * Starts one of the threads that write or checkpoint the database `file` (the ingest writer, the worker's
 * bookkeeping, the checkpointer, the search indexer): `entry` is its TypeScript module, relative to the project.
 * Threads do not inherit the tsx loader that runs the server, so lib/ingest/writer-boot.mjs registers it first. The
 * thread also gets the process's auto-checkpoint size (db/checkpointer.ts), its name (threadName) and, from the
 * environment variable `flagsEnv`, Node flags (profiling). Unref'd: a thread never keeps the process alive.
 */
export function startDbThread(
  entry: string,
  file: string,
  data: Record<string, unknown> = {},
  flagsEnv?: string,
): Worker {
  const flags = flagsEnv ? process.env[flagsEnv]?.split(' ').filter(Boolean) : undefined;
  prepareWriteLock(); // shared with the thread only if it exists before the thread starts
  const thread = new Worker(path.join(process.cwd(), 'lib/ingest/writer-boot.mjs'), {
    workerData: {
      entry: path.join(process.cwd(), entry),
      threadName: threadName(entry),
      file,
      autoCheckpoint: autoCheckpointPages(),
      ...data,
    },
    execArgv: flags ?? [],
  });
  thread.unref();
  return thread;
}

/** What a db thread answers to one call: `{ id, error }` if it failed, otherwise `{ id, ...reply }`. */
type Answer = { id: number; error?: string; stopped?: undefined };
type Answered<Reply> = (error: Error | null, reply?: Reply) => void;

export interface ThreadCalls<Call, Reply> {
  readonly thread: Worker;
  /** Posts `{ id, ...call }`; `answered` gets the thread's reply, or the error it answered with or died of. */
  call(call: Call, answered: Answered<Reply>): void;
  /** Why the thread is gone (it exited), or null while it runs. */
  exited(): Error | null;
  /** Posts 'stop' (the thread finishes what it was given, then answers `{ stopped: true }`) and ends the thread. */
  stop(): Promise<void>;
}

/**
 * Calls to a thread started with startDbThread, each answered once: by the thread's reply with the same id, or with an
 * error should the thread fail or exit first. Whatever it had not answered then may or may not be committed, so its
 * callers get an error, never a success. `onExit` runs once the thread is gone (its owner starts the next one).
 */
export function threadCalls<Call extends object, Reply extends object>(
  thread: Worker,
  name: string,
  onExit?: () => void,
): ThreadCalls<Call, Reply> {
  // Not a Map: a call comes and goes per batch, and a churned Map keeps its callers' requests alive through young GCs
  // (lib/churn-table.ts).
  const inFlight = new ChurnTable<Answered<Reply>>();
  let nextId = 1;
  let stopped: (() => void) | null = null;
  let stopping: Promise<void> | null = null;
  let exited: Error | null = null;
  const failAll = (error: Error) => {
    for (const answered of inFlight.values()) answered(error);
    inFlight.clear();
  };
  thread.on('message', (m: (Answer & Reply) | { stopped: true }) => {
    if (m.stopped) return stopped?.();
    const answered = inFlight.get(m.id);
    if (!answered) return;
    inFlight.delete(m.id);
    if (m.error === undefined) answered(null, m);
    else answered(new Error(m.error));
  });
  thread.on('error', (error) => {
    logger.error(errorFields(error), `${name} thread failed`);
    failAll(error);
  });
  thread.on('exit', (code) => {
    exited = new Error(`${name} thread exited (${code})`);
    failAll(exited);
    onExit?.();
    stopped?.();
  });
  return {
    thread,
    call(call, answered) {
      if (exited) return answered(exited);
      const id = nextId++;
      inFlight.set(id, answered);
      thread.postMessage({ ...call, id });
    },
    exited: () => exited,
    stop() {
      if (exited) return Promise.resolve();
      // One stop, however many ask: a second 'stop' would replace the first caller's resolver.
      return (stopping ??= new Promise<void>((resolve) => {
        stopped = () => {
          resolve();
          void thread.terminate();
        };
        thread.postMessage('stop');
      }));
    },
  };
}
