import { errorResponse } from '@/lib/api/route';
import { userFromRequestCookie } from '@/lib/auth/session';
import { UnauthorizedError } from '@/lib/errors';
import { getRunDetail } from '@/lib/runs/detail';

export const dynamic = 'force-dynamic';

// Polled by the run page while the run is not final (session cookie, not an API token).
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const user = await userFromRequestCookie(req);
    if (!user) throw new UnauthorizedError();
    const { id } = await ctx.params;
    return Response.json(getRunDetail(user, id), { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return errorResponse(error);
  }
}
