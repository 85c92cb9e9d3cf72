import { backtestAutomation } from '@/lib/automations/preview';
import { ValidationError } from '@/lib/errors';
import { field, sessionRoute } from '@/lib/api/session-route';

export const dynamic = 'force-dynamic';

export const POST = sessionRoute(async ({ user, body }) => {
  const hookId = field(body, 'hookId');
  if (typeof hookId !== 'string' || !hookId)
    throw new ValidationError('Choose a hook first', { hookId: 'Required' });
  return { rows: await backtestAutomation(user, field(body, 'draft'), hookId) };
});
