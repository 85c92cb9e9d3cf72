import { openApiDocument } from '@/lib/openapi/document';

export const dynamic = 'force-dynamic';

// Public: the document describes the API; every operation in it (but this one) needs a Bearer token.
export function GET(): Response {
  return Response.json(openApiDocument(), { headers: { 'cache-control': 'public, max-age=300' } });
}
