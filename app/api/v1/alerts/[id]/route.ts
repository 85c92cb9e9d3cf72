import { z } from 'zod';
import { apiRoute, readJson } from '@/lib/api/route';
import { markAlertRead } from '@/lib/alerts/alerts';
import { parseInput } from '@/lib/validation';

export const dynamic = 'force-dynamic';

export const PATCH = apiRoute<{ id: string }>(async ({ req, user, params }) => {
  const { read } = parseInput(z.object({ read: z.boolean() }).strict(), await readJson(req));
  markAlertRead(user.id, params.id, read);
});
