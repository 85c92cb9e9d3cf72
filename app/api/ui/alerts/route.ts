import { z } from 'zod';
import { alertsForBell, markAlertRead, markAllAlertsRead } from '@/lib/alerts/alerts';
import { sessionRoute } from '@/lib/api/session-route';
import { parseInput } from '@/lib/validation';

export const dynamic = 'force-dynamic';

// Polled by the bell in the app shell.
export const GET = sessionRoute(({ user }) => alertsForBell(user.id));

const markRead = z.union([z.object({ id: z.string().min(1).max(64) }), z.object({ all: z.literal(true) })]);

// {id} marks one alert read, {all: true} marks them all.
export const POST = sessionRoute(({ user, body }) => {
  const input = parseInput(markRead, body);
  if ('all' in input) markAllAlertsRead(user.id);
  else markAlertRead(user.id, input.id);
  return alertsForBell(user.id);
});
