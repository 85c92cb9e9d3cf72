import { apiRoute, readJson } from '@/lib/api/route';
import { createSecret, listSecrets, toApiSecret } from '@/lib/secrets/secrets';

export const dynamic = 'force-dynamic';

// Names and times only: a secret's value is write-only.
export const POST = apiRoute(async ({ req, user }) => {
  const secret = createSecret(user.id, await readJson(req));
  return Response.json(toApiSecret(secret), { status: 201 });
});

export const GET = apiRoute(({ user }) => ({
  items: listSecrets(user.id).map(toApiSecret),
  nextCursor: null,
}));
