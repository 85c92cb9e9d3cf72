import { apiRoute, listLimit, readJson } from '@/lib/api/route';
import { createAutomation, listAutomations, toApiAutomation } from '@/lib/automations/automations';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(async ({ req, user }) => {
  const row = createAutomation(user.id, await readJson(req));
  return Response.json(toApiAutomation(row), { status: 201 });
});

export const GET = apiRoute(({ user, url }) => {
  const page = listAutomations(user.id, { limit: listLimit(url), cursor: url.searchParams.get('cursor') });
  return { items: page.items.map((i) => toApiAutomation(i.row, i.lastRun)), nextCursor: page.nextCursor };
});
