import { apiRoute } from '@/lib/api/route';
import { listRules } from '@/lib/alerts/rules';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(({ user }) => ({ items: listRules(user.id), nextCursor: null }));
