import { errorResponse } from '@/lib/api/route';
import { UnauthorizedError } from '@/lib/errors';
import { liveHookEvents } from '@/lib/events/live';
import { getCurrentUser } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

// Polled by the hook page's live list (session cookie, not an API token).
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    // getCurrentUser (next/headers) rather than userFromRequestCookie: next-auth's getToken reads req.cookies and
    // ignores the bare cookie header that helper passes it, so it never finds the session.
    const user = await getCurrentUser();
    if (!user) throw new UnauthorizedError();
    const { id } = await ctx.params;
    const url = new URL(req.url);
    const result = liveHookEvents(user, id, {
      after: url.searchParams.get('after'),
      watch: url.searchParams.get('watch'),
    });
    return Response.json(result, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return errorResponse(error);
  }
}
