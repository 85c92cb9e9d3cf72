import { pollNow } from '@/lib/triggers/poll-now';
import { sessionRoute } from '@/lib/api/session-route';

export const dynamic = 'force-dynamic';

/** POST {automationId?, draft?: {trigger}} → {status, items: [{key, item, seen}], error?}; starts no runs. */
export const POST = sessionRoute(({ user, body }) =>
  pollNow(user, (body && typeof body === 'object' ? body : {}) as { automationId?: string; draft?: unknown }),
);
