import { checkDraftExpressions } from '@/lib/automations/preview';
import { sessionRoute } from '@/lib/api/session-route';

export const dynamic = 'force-dynamic';

export const POST = sessionRoute(({ user, body }) => checkDraftExpressions(user, body));
