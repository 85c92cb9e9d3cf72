import { AppError, TooManyRequestsError, UnauthorizedError, ValidationError } from '@/lib/errors';
import { authenticateApiToken } from '@/lib/users/api-tokens';
import type { SessionUser } from '@/lib/users/users';

export interface ApiContext<P> {
  req: Request;
  user: SessionUser;
  params: P;
  url: URL;
}

type RouteContext<P> = { params: Promise<P> };

/** Turns any thrown error into the API's `{error:{message, fields?}}` shape; unknown errors are logged, not leaked. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const headers: Record<string, string> = {};
    if (error instanceof TooManyRequestsError) headers['retry-after'] = String(error.retryAfterSeconds);
    return Response.json(
      { error: { message: error.message, ...(error.fields ? { fields: error.fields } : {}) } },
      { status: error.status, headers },
    );
  }
  console.error('Unhandled API error', error);
  return Response.json({ error: { message: 'Internal server error' } }, { status: 500 });
}

export function bearerUser(req: Request): SessionUser {
  const header = req.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new UnauthorizedError('Missing API token: send Authorization: Bearer <token>');
  const user = authenticateApiToken(match[1]);
  if (!user) throw new UnauthorizedError('Invalid or revoked API token');
  return user;
}

export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('Request body is not valid JSON');
  }
}

/** A /api/v1 route: Bearer token → handler → JSON. Return a Response to control status, or a value for 200 JSON. */
export function apiRoute<P = Record<string, never>>(
  handler: (ctx: ApiContext<P>) => Promise<unknown> | unknown,
): (req: Request, ctx: RouteContext<P>) => Promise<Response> {
  return async (req, ctx) => {
    try {
      const user = bearerUser(req);
      const params = ((await ctx?.params) ?? {}) as P;
      const result = await handler({ req, user, params, url: new URL(req.url) });
      if (result instanceof Response) return result;
      if (result === undefined) return new Response(null, { status: 204 });
      return Response.json(result);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function listLimit(url: URL, fallback = 50, max = 200): number {
  const raw = url.searchParams.get('limit');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ValidationError('limit must be a positive integer');
  return Math.min(n, max);
}
