import { listSampleEvents } from '@/lib/automations/preview';
import { sessionRoute } from '@/lib/api/session-route';

export const dynamic = 'force-dynamic';

export const GET = sessionRoute(({ user, url }) => ({
  items: listSampleEvents(user, url.searchParams.get('hookId') ?? ''),
}));
