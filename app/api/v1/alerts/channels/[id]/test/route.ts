import { apiRoute } from '@/lib/api/route';
import { sendTestNotice } from '@/lib/alerts/channels';

export const dynamic = 'force-dynamic';

export const POST = apiRoute<{ id: string }>(({ user, params }) => sendTestNotice(user.id, params.id));
