import { apiRoute, readJson } from '@/lib/api/route';
import { getDestination, updateDestination } from '@/lib/destinations/destinations';

export const dynamic = 'force-dynamic';

// :host is the destination's host with its port when not the default, e.g. `api.example.com` or `127.0.0.1:8080`.
export const GET = apiRoute<{ host: string }>(({ user, params }) =>
  getDestination(user, decodeURIComponent(params.host)),
);

// {maxPerSecond?: number|null, maxConcurrency?: number|null, paused?: boolean}
export const PATCH = apiRoute<{ host: string }>(async ({ req, user, params }) =>
  updateDestination(user, decodeURIComponent(params.host), await readJson(req)),
);
