import { apiRoute } from '@/lib/api/route';
import { getEvent } from '@/lib/events/events';

export const dynamic = 'force-dynamic';

export const GET = apiRoute<{ id: string }>(({ user, params }) => getEvent(user, params.id));
