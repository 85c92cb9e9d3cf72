import { getCurrentUser } from '@/lib/auth/session';
import { UnauthorizedError } from '@/lib/errors';
import type { SessionUser } from '@/lib/users/users';
import { errorResponse, readJson } from './route';

export interface SessionContext<P> {
  user: SessionUser;
  body: unknown;
  url: URL;
  params: P;
}

/**
 * A browser-facing route handler (the signed-in session cookie, not an API token): live lists, previews, file
 * downloads. Returns JSON with no-store, or the handler's own Response. Route handlers rather than server actions
 * where calls must not queue behind each other (actions run one at a time per page).
 */
export function sessionRoute<P = Record<string, never>>(
  handler: (ctx: SessionContext<P>) => Promise<unknown> | unknown,
): (req: Request, ctx: { params: Promise<P> }) => Promise<Response> {
  return async (req, ctx) => {
    try {
      const user = await getCurrentUser();
      if (!user) throw new UnauthorizedError();
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readJson(req);
      const params = ((await ctx?.params) ?? {}) as P;
      const result = await handler({ user, body, url: new URL(req.url), params });
      if (result instanceof Response) return result;
      return Response.json(result, { headers: { 'cache-control': 'no-store' } });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function field(body: unknown, name: string): unknown {
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}
