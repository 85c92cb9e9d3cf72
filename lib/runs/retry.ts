import type Database from 'better-sqlite3';
import { z } from 'zod';
import { getDbHandle } from '@/db/client';
import { enqueueJob, wakeWorker } from '@/lib/delivery/queue';
import { replayEvent } from '@/lib/events/events';
import { NotFoundError, ValidationError } from '@/lib/errors';
import type { SessionUser } from '@/lib/users/users';
import { parseInput } from '@/lib/validation';
import { cachedStatement, listRuns, type RunFilter } from './query';

type Owner = Pick<SessionUser, 'id'>;

export const BULK_RETRY_BATCH = 200;

/**
 * Puts one failed run back in the queue, inside the caller's transaction. The failed step goes back to pending with
 * attempt_base = its highest attempt number, so it gets a fresh retry budget; earlier attempts stay as they were.
 * The run becomes `retrying` (not `queued`): the worker only re-evaluates the filter when it never passed.
 */
function requeueFailedRun(sqlite: Database.Database, runId: string, now: number): boolean {
  const changed = cachedStatement(
    sqlite,
    `update runs set status = 'retrying', error = null, finished_at = null where id = ? and status = 'failed'`,
  ).run(runId).changes;
  if (changed === 0) return false;
  cachedStatement(
    sqlite,
    `update steps set status = 'pending', error = null, finished_at = null,
       attempt_base = coalesce((select max(n) from attempts a where a.run_id = steps.run_id and a.step_index = steps.idx), 0)
     where run_id = ? and status = 'failed'`,
  ).run(runId);
  const existing = cachedStatement(
    sqlite,
    `update jobs set due_at = ? where run_id = ? and kind = 'run'`,
  ).run(now, runId).changes;
  if (existing === 0) enqueueJob(sqlite, { kind: 'run', runId, dueAt: now });
  return true;
}

/** Retry now: a failed run is queued again with a fresh budget; a retrying run's next attempt is moved to now. */
export function retryRun(user: Owner, id: string): { id: string; status: 'retrying' } {
  const { sqlite } = getDbHandle();
  const now = Date.now();
  sqlite.transaction(() => {
    const run = cachedStatement(sqlite, `select status from runs where id = ? and user_id = ?`).get(
      id,
      user.id,
    ) as { status: string } | undefined;
    if (!run) throw new NotFoundError('Run');
    if (run.status === 'failed') {
      requeueFailedRun(sqlite, id, now);
    } else if (run.status === 'retrying') {
      cachedStatement(
        sqlite,
        `update jobs set due_at = ? where run_id = ? and kind = 'run' and due_at > ?`,
      ).run(now, id, now);
    } else {
      throw new ValidationError(`Only failed or retrying runs can be retried; this one is ${run.status}`);
    }
  })();
  wakeWorker();
  return { id, status: 'retrying' };
}

export const bulkRetryInput = z.object({
  filter: z.record(z.string(), z.unknown()).default({}),
  /** Continue below this run id (the previous batch's `nextCursor`), so runs that fail again are not retried twice. */
  cursor: z.string().trim().min(1).max(100).nullable().optional(),
});

/**
 * Retries the next batch of failed runs matching the list filter, newest first. Call again with `nextCursor` until it
 * is null; each batch commits on its own so a large retry never holds the write lock for long.
 */
export function bulkRetry(
  user: Owner,
  filter: RunFilter,
  cursor?: string | null,
): { retried: number; nextCursor: string | null } {
  const page = listRuns(user, {
    ...filter,
    status: 'failed',
    cursor: cursor ?? undefined,
    limit: BULK_RETRY_BATCH,
  });
  const { sqlite } = getDbHandle();
  const now = Date.now();
  const retried = sqlite.transaction(() => {
    let n = 0;
    for (const run of page.items) if (requeueFailedRun(sqlite, run.id, now)) n++;
    return n;
  })();
  if (retried > 0) wakeWorker();
  return { retried, nextCursor: page.nextCursor };
}

/** Parses a bulk retry request body (`{filter, cursor}`) from the UI. */
export function parseBulkRetry(body: unknown): { filter: RunFilter; cursor: string | null } {
  const input = parseInput(bulkRetryInput, body);
  const f = input.filter;
  const str = (k: string) => (typeof f[k] === 'string' && f[k] ? (f[k] as string) : undefined);
  const num = (k: string) => (typeof f[k] === 'number' ? (f[k] as number) : undefined);
  return {
    filter: {
      automationId: str('automationId'),
      hookId: str('hookId'),
      eventId: str('eventId'),
      triggerType: str('triggerType') as RunFilter['triggerType'],
      from: num('from'),
      to: num('to'),
      q: str('q'),
    },
    cursor: input.cursor ?? null,
  };
}

/** Replay from a run's page: new runs of the event for the hook's current automations (lib/events replayEvent). */
export function replayRunEvent(user: Owner, runId: string): { runIds: string[] } {
  const { sqlite } = getDbHandle();
  const run = cachedStatement(sqlite, `select event_id from runs where id = ? and user_id = ?`).get(
    runId,
    user.id,
  ) as { event_id: string } | undefined;
  if (!run) throw new NotFoundError('Run');
  const result = replayEvent(user, run.event_id);
  if (result.runIds.length === 0) {
    throw new ValidationError('No enabled automation uses this hook any more, so there is nothing to run.');
  }
  return result;
}
