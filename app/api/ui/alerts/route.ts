import { z } from 'zod';
import { errorResponse, readJson } from '@/lib/api/route';
import { alertsForBell, markAlertRead, markAllAlertsRead } from '@/lib/alerts/alerts';
import { getCurrentUser } from '@/lib/auth/session';
import { UnauthorizedError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';

export const dynamic = 'force-dynamic';

// Polled by the bell in the app shell (session cookie, not an API token).
export async function GET(): Promise<Response> {
  try {
    const user = await getCurrentUser();
    if (!user) throw new UnauthorizedError();
    return Response.json(alertsForBell(user.id), { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return errorResponse(error);
  }
}

// {id} marks one alert read, {all: true} marks them all.
export async function POST(req: Request): Promise<Response> {
  try {
    const user = await getCurrentUser();
    if (!user) throw new UnauthorizedError();
    const body = parseInput(
      z.union([z.object({ id: z.string().min(1).max(64) }), z.object({ all: z.literal(true) })]),
      await readJson(req),
    );
    if ('all' in body) markAllAlertsRead(user.id);
    else markAlertRead(user.id, body.id);
    return Response.json(alertsForBell(user.id), { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return errorResponse(error);
  }
}
