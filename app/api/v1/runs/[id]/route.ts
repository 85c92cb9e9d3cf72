import { apiRoute } from '@/lib/api/route';
import { getRunDetail, toApiRun } from '@/lib/runs/detail';

export const dynamic = 'force-dynamic';

export const GET = apiRoute<{ id: string }>(({ user, params }) => toApiRun(getRunDetail(user, params.id)));
