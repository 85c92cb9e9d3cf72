import { sessionRoute } from '@/lib/api/session-route';
import { liveHookEvents } from '@/lib/events/live';

export const dynamic = 'force-dynamic';

// Polled by the hook page's live list.
export const GET = sessionRoute<{ id: string }>(({ user, params, url }) =>
  liveHookEvents(user, params.id, {
    after: url.searchParams.get('after'),
    watch: url.searchParams.get('watch'),
  }),
);
