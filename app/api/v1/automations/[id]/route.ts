import { apiRoute, readJson } from '@/lib/api/route';
import {
  deleteAutomation,
  getAutomation,
  toApiAutomation,
  updateAutomation,
} from '@/lib/automations/automations';

export const dynamic = 'force-dynamic';

type Params = { id: string };

export const GET = apiRoute<Params>(({ user, params }) => toApiAutomation(getAutomation(user.id, params.id)));

export const PATCH = apiRoute<Params>(async ({ req, user, params }) =>
  toApiAutomation(updateAutomation(user.id, params.id, await readJson(req))),
);

export const DELETE = apiRoute<Params>(({ user, params }) => {
  deleteAutomation(user.id, params.id);
});
