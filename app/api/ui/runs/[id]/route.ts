import { sessionRoute } from '@/lib/api/session-route';
import { getRunDetail } from '@/lib/runs/detail';

export const dynamic = 'force-dynamic';

// Polled by the run page while the run is not final.
export const GET = sessionRoute<{ id: string }>(({ user, params }) => getRunDetail(user, params.id));
