'use server';

import { runAction } from '@/lib/api/action';
import { requireActionUser } from '@/lib/auth/session';
import { bulkRetry, parseBulkRetry, replayRunEvent, retryRun } from '@/lib/runs/retry';

export async function retryRunAction(id: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    return retryRun(user, id);
  }, 'Retry queued');
}

/** One batch of "Retry failed"; the client calls again with `nextCursor` until it is null. */
export async function bulkRetryAction(input: unknown) {
  return runAction(async () => {
    const user = await requireActionUser();
    const { filter, cursor } = parseBulkRetry(input);
    return bulkRetry(user, filter, cursor);
  });
}

export async function replayRunEventAction(runId: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    return replayRunEvent(user, runId).runIds;
  });
}
