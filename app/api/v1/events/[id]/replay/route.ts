import { apiRoute } from '@/lib/api/route';
import { replayEvent } from '@/lib/events/events';

export const dynamic = 'force-dynamic';

export const POST = apiRoute<{ id: string }>(({ user, params }) =>
  Response.json(replayEvent(user, params.id), { status: 202 }),
);
