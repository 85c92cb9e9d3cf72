import { previewAutomation } from '@/lib/automations/preview';
import { field, uiRoute } from '../ui-route';

export const dynamic = 'force-dynamic';

export const POST = uiRoute(({ user, body }) =>
  previewAutomation(user, field(body, 'draft'), field(body, 'sample')),
);
