import { previewAutomation } from '@/lib/automations/preview';
import { field, sessionRoute } from '@/lib/api/session-route';

export const dynamic = 'force-dynamic';

export const POST = sessionRoute(({ user, body }) =>
  previewAutomation(user, field(body, 'draft'), field(body, 'sample')),
);
