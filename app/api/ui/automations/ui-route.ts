import { errorResponse, readJson } from '@/lib/api/route';
import { getCurrentUser } from '@/lib/auth/session';
import { UnauthorizedError } from '@/lib/errors';
import type { SessionUser } from '@/lib/users/users';

/**
 * A browser-facing JSON endpoint of the automation editor (session cookie, not an API token). Route handlers
 * rather than server actions: actions run one at a time per page, and a backtest must not hold up live preview.
 */
export function uiRoute(
  handler: (ctx: { user: SessionUser; body: unknown; url: URL }) => Promise<unknown> | unknown,
): (req: Request) => Promise<Response> {
  return async (req) => {
    try {
      // getCurrentUser reads the session through next/headers: userFromRequestCookie hands next-auth's
      // getToken only a cookie header, which it ignores (it reads req.cookies), so it never finds the session.
      const user = await getCurrentUser();
      if (!user) throw new UnauthorizedError();
      const body = req.method === 'GET' ? undefined : await readJson(req);
      const result = await handler({ user, body, url: new URL(req.url) });
      return Response.json(result, { headers: { 'cache-control': 'no-store' } });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function field(body: unknown, name: string): unknown {
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}
