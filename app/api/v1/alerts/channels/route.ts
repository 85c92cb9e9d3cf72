import { apiRoute, readJson } from '@/lib/api/route';
import { createChannel, listChannels } from '@/lib/alerts/channels';

export const dynamic = 'force-dynamic';

// A webhook channel's URL is write-only (it usually embeds a credential); responses show its host.
export const POST = apiRoute(async ({ req, user }) =>
  Response.json(createChannel(user.id, await readJson(req)), { status: 201 }),
);

export const GET = apiRoute(({ user }) => ({ items: listChannels(user.id), nextCursor: null }));
