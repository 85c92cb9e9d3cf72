import { apiRoute } from '@/lib/api/route';
import { markAllAlertsRead } from '@/lib/alerts/alerts';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(({ user }) => ({ updated: markAllAlertsRead(user.id) }));
