import { apiRoute, listLimit } from '@/lib/api/route';
import { listRuns, runsQueryFromUrl } from '@/lib/runs/query';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(({ user, url }) => listRuns(user, runsQueryFromUrl(url, listLimit(url))));
