import { sendTestAutomation } from '@/lib/automations/preview';
import { field, sessionRoute } from '@/lib/api/session-route';

export const dynamic = 'force-dynamic';

export const POST = sessionRoute(({ user, body }) => {
  const automationId = field(body, 'automationId');
  return sendTestAutomation(
    user,
    typeof automationId === 'string' ? automationId : field(body, 'draft'),
    field(body, 'sample'),
  );
});
