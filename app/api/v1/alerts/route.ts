import { apiRoute, listLimit } from '@/lib/api/route';
import { listAlerts } from '@/lib/alerts/alerts';

export const dynamic = 'force-dynamic';

// ?unread=1&kind=&status=open|resolved, newest first.
export const GET = apiRoute(({ user, url }) =>
  listAlerts(
    user.id,
    {
      unread: url.searchParams.get('unread') ?? undefined,
      kind: url.searchParams.get('kind') || undefined,
      status: url.searchParams.get('status') || undefined,
      cursor: url.searchParams.get('cursor') || undefined,
    },
    listLimit(url),
  ),
);
