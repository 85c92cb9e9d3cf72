import { apiRoute, readJson } from '@/lib/api/route';
import { evaluatePreview } from '@/lib/automations/preview';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(async ({ req, user }) => {
  const outcome = await evaluatePreview(user, await readJson(req));
  if (!outcome.ok) return Response.json({ error: outcome.error }, { status: 422 });
  return { result: outcome.result };
});
