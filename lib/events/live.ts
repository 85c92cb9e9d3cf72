import { getHook } from '@/lib/hooks/hooks';
import type { SessionUser } from '@/lib/users/users';
import { listEvents, runsForEvents, type EventRun, type EventSummary } from './events';

const LIVE_LIMIT = 50;
const MAX_WATCH = 100;

export interface LiveEvents {
  /** Events newer than `after`, newest first (the latest LIVE_LIMIT when `after` is absent). */
  items: EventSummary[];
  /** Current runs of the watched events, so run statuses in rows already shown stay fresh. */
  runs: Record<string, EventRun[]>;
}

/** One poll of a hook's live list. */
export function liveHookEvents(
  user: Pick<SessionUser, 'id'>,
  hookId: string,
  options: { after?: string | null; watch?: string | null },
): LiveEvents {
  getHook(user, hookId);
  const { items } = listEvents(user, { hookId, after: options.after || undefined, limit: LIVE_LIMIT });
  const watch = (options.watch ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, MAX_WATCH);
  return { items, runs: Object.fromEntries(runsForEvents(user, watch)) };
}
