import { listSampleEvents } from '@/lib/automations/preview';
import { uiRoute } from '../ui-route';

export const dynamic = 'force-dynamic';

export const GET = uiRoute(({ user, url }) => ({
  items: listSampleEvents(user, url.searchParams.get('hookId') ?? ''),
}));
