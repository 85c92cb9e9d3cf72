import { apiRoute, readJson } from '@/lib/api/route';
import { deleteSecret, replaceSecretValue, toApiSecret } from '@/lib/secrets/secrets';

export const dynamic = 'force-dynamic';

type Params = { id: string };

export const PATCH = apiRoute<Params>(async ({ req, user, params }) =>
  toApiSecret(replaceSecretValue(user.id, params.id, await readJson(req))),
);

export const DELETE = apiRoute<Params>(({ user, params }) => {
  deleteSecret(user.id, params.id);
});
