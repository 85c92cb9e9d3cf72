import { apiRoute, listLimit, readJson } from '@/lib/api/route';
import { createHook, listHooks, requestBaseUrl, toApiHook } from '@/lib/hooks/hooks';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(async ({ req, user }) => {
  const hook = createHook(user, await readJson(req));
  return Response.json(toApiHook(hook, requestBaseUrl(req.headers)), { status: 201 });
});

export const GET = apiRoute(({ req, user, url }) => {
  const page = listHooks(user, { limit: listLimit(url), cursor: url.searchParams.get('cursor') });
  const base = requestBaseUrl(req.headers);
  return { items: page.items.map((h) => toApiHook(h, base)), nextCursor: page.nextCursor };
});
