import { apiRoute } from '@/lib/api/route';
import { retryRun } from '@/lib/runs/retry';

export const dynamic = 'force-dynamic';

export const POST = apiRoute<{ id: string }>(({ user, params }) =>
  Response.json(retryRun(user, params.id), { status: 202 }),
);
