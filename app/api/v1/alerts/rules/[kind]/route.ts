import { apiRoute, readJson } from '@/lib/api/route';
import { updateRule } from '@/lib/alerts/rules';

export const dynamic = 'force-dynamic';

// {enabled?, threshold?, minRuns?, windowMinutes?, muteHours? (0 unmutes)}
export const PATCH = apiRoute<{ kind: string }>(async ({ req, user, params }) =>
  updateRule(user.id, params.kind, await readJson(req)),
);
