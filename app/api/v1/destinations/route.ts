import { apiRoute } from '@/lib/api/route';
import { listDestinations } from '@/lib/destinations/destinations';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(({ user }) => ({ items: listDestinations(user), nextCursor: null }));
