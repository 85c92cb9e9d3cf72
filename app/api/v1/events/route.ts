import { apiRoute, listLimit } from '@/lib/api/route';
import { eventsQueryFromUrl, listEvents } from '@/lib/events/events';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(({ user, url }) => listEvents(user, eventsQueryFromUrl(url, listLimit(url))));
