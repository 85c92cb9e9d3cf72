import { errorResponse } from '@/lib/api/route';
import { userFromRequestCookie } from '@/lib/auth/session';
import { UnauthorizedError } from '@/lib/errors';
import { pollRuns } from '@/lib/runs/live';
import { runsQueryFromUrl } from '@/lib/runs/query';

export const dynamic = 'force-dynamic';

// Polled by the run list (session cookie, not an API token): new rows above `after`, fresh state of `watch` ids.
export async function GET(req: Request): Promise<Response> {
  try {
    const user = await userFromRequestCookie(req);
    if (!user) throw new UnauthorizedError();
    const url = new URL(req.url);
    const result = pollRuns(user, runsQueryFromUrl(url, 50), url.searchParams.get('watch'));
    return Response.json(result, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return errorResponse(error);
  }
}
