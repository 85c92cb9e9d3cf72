import { apiRoute } from '@/lib/api/route';
import { regenerateHookToken, requestBaseUrl, toApiHook } from '@/lib/hooks/hooks';

export const dynamic = 'force-dynamic';

export const POST = apiRoute<{ id: string }>(({ req, user, params }) =>
  toApiHook(regenerateHookToken(user, params.id), requestBaseUrl(req.headers)),
);
