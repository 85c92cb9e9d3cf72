import type Database from 'better-sqlite3';
import { enqueueJob } from '@/lib/delivery/queue';
import { newId } from '@/lib/ids';

export interface RunTarget {
  id: string;
  userId: string;
  version: number;
  triggerType: string;
}

const statements = new WeakMap<Database.Database, Database.Statement>();

/**
 * Inserts a queued run and its job for each automation. Call inside the transaction that stores the event, so an
 * acknowledged event always has its runs (outbox). Returns the run ids. With `batch`, the run ids are added to it
 * instead, for the caller to queue as one batch (enqueueRunBatch) in the same transaction.
 */
export function insertRunsForEvent(
  sqlite: Database.Database,
  event: { id: string; hookId: string | null },
  automations: RunTarget[],
  options: { now?: number; replayOf?: string | null; batch?: string[] } = {},
): string[] {
  let insert = statements.get(sqlite);
  if (!insert) {
    insert = sqlite.prepare(
      `insert into runs (id, user_id, automation_id, automation_version, event_id, hook_id, trigger_type, status, replay_of, created_at)
       values (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
    );
    statements.set(sqlite, insert);
  }
  const now = options.now ?? Date.now();
  const ids: string[] = [];
  for (const a of automations) {
    const runId = newId('run');
    insert.run(
      runId,
      a.userId,
      a.id,
      a.version,
      event.id,
      event.hookId,
      a.triggerType,
      options.replayOf ?? null,
      now,
    );
    if (options.batch) options.batch.push(runId);
    else enqueueJob(sqlite, { kind: 'run', runId, dueAt: now });
    ids.push(runId);
  }
  return ids;
}
