import { sessionRoute } from '@/lib/api/session-route';
import { pollRuns } from '@/lib/runs/live';
import { runsQueryFromUrl } from '@/lib/runs/query';

export const dynamic = 'force-dynamic';

// Polled by the run list: new rows above `after`, fresh state of `watch` ids.
export const GET = sessionRoute(({ user, url }) =>
  pollRuns(user, runsQueryFromUrl(url, 50), url.searchParams.get('watch')),
);
