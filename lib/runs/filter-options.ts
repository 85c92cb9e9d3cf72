import { getDbHandle } from '@/db/client';
import type { SessionUser } from '@/lib/users/users';
import { cachedStatement } from './query';

type Owner = Pick<SessionUser, 'id'>;

export interface RunFilterOptions {
  automations: { id: string; name: string }[];
  hooks: { id: string; name: string }[];
}

/** The user's automations and hooks, by name, for the run list's filter menus. */
export function runFilterOptions(user: Owner): RunFilterOptions {
  const { sqlite } = getDbHandle();
  return {
    automations: cachedStatement(
      sqlite,
      `select id, name from automations where user_id = ? order by name collate nocase limit 500`,
    ).all(user.id) as { id: string; name: string }[],
    hooks: cachedStatement(
      sqlite,
      `select id, name from hooks where user_id = ? order by name collate nocase limit 500`,
    ).all(user.id) as { id: string; name: string }[],
  };
}
