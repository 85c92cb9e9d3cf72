import { checkDraftExpressions } from '@/lib/automations/preview';
import { uiRoute } from '../ui-route';

export const dynamic = 'force-dynamic';

export const POST = uiRoute(({ user, body }) => checkDraftExpressions(user, body));
