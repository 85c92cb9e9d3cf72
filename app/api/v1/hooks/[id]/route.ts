import { apiRoute, readJson } from '@/lib/api/route';
import { deleteHook, getHook, requestBaseUrl, toApiHook, updateHook } from '@/lib/hooks/hooks';

export const dynamic = 'force-dynamic';

type Params = { id: string };

export const GET = apiRoute<Params>(({ req, user, params }) =>
  toApiHook(getHook(user, params.id), requestBaseUrl(req.headers)),
);

export const PATCH = apiRoute<Params>(async ({ req, user, params }) =>
  toApiHook(updateHook(user, params.id, await readJson(req)), requestBaseUrl(req.headers)),
);

export const DELETE = apiRoute<Params>(({ user, params }) => {
  deleteHook(user, params.id);
});
