import { sendTestAutomation } from '@/lib/automations/preview';
import { field, uiRoute } from '../ui-route';

export const dynamic = 'force-dynamic';

export const POST = uiRoute(({ user, body }) => {
  const automationId = field(body, 'automationId');
  return sendTestAutomation(
    user,
    typeof automationId === 'string' ? automationId : field(body, 'draft'),
    field(body, 'sample'),
  );
});
