import { apiRoute, readJson } from '@/lib/api/route';
import { deleteChannel, updateChannel } from '@/lib/alerts/channels';

export const dynamic = 'force-dynamic';

export const PATCH = apiRoute<{ id: string }>(async ({ req, user, params }) =>
  updateChannel(user.id, params.id, await readJson(req)),
);

export const DELETE = apiRoute<{ id: string }>(({ user, params }) => {
  deleteChannel(user.id, params.id);
});
