import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { autoCheckpointPages } from './client';

/**
 * Starts one of the threads that write or checkpoint the database `file` (the ingest writer, the worker's
 * bookkeeping, the checkpointer, the search indexer): `entry` is its TypeScript module, relative to the project.
 * Threads do not inherit the tsx loader that runs the server, so lib/ingest/writer-boot.mjs registers it first. The
 * thread also gets the process's auto-checkpoint size (db/checkpointer.ts) and, from the environment variable
 * `flagsEnv`, Node flags (profiling). Unref'd: a thread never keeps the process alive.
 */
export function startDbThread(
  entry: string,
  file: string,
  data: Record<string, unknown> = {},
  flagsEnv?: string,
): Worker {
  const flags = flagsEnv ? process.env[flagsEnv]?.split(' ').filter(Boolean) : undefined;
  const thread = new Worker(path.join(process.cwd(), 'lib/ingest/writer-boot.mjs'), {
    workerData: {
      entry: path.join(process.cwd(), entry),
      file,
      autoCheckpoint: autoCheckpointPages(),
      ...data,
    },
    execArgv: flags ?? [],
  });
  thread.unref();
  return thread;
}
