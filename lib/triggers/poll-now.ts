import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { pollSeenKeys } from '@/db/schema';
import { getAutomation, parseStoredTrigger } from '@/lib/automations/automations';
import { pollTrigger } from '@/lib/automations/definition';
import { maskSecretValues } from '@/lib/delivery/redact';
import { ValidationError } from '@/lib/errors';
import { loadSecretValues } from '@/lib/secrets/secrets';
import { parseInput } from '@/lib/validation';
import { performPoll, type PollConfig } from './poll-request';

// "Poll now": the real request and extraction, with nothing stored and no run started. `seen` says which items
// the saved automation already knows (so which ones its next poll would NOT turn into runs).

export interface PollNowResult {
  status: number | null;
  items: { key: string; item: unknown; seen: boolean }[];
  error?: string;
}

/** The draft's poll trigger, read loosely: the interval does not matter for a preview. */
const draftPollTrigger = pollTrigger.omit({ intervalSeconds: true }).extend({
  intervalSeconds: z.unknown().optional(),
});

export const pollNowInput = z.object({
  automationId: z.string().min(1).nullable().optional(),
  draft: z.object({ trigger: z.unknown() }).passthrough().optional(),
});

function seenKeys(automationId: string | null, keys: string[]): Set<string> {
  if (!automationId || keys.length === 0) return new Set();
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = getDb()
      .select({ key: pollSeenKeys.key })
      .from(pollSeenKeys)
      .where(
        and(eq(pollSeenKeys.automationId, automationId), inArray(pollSeenKeys.key, keys.slice(i, i + 500))),
      )
      .all();
    for (const r of rows) found.add(r.key);
  }
  return found;
}

/**
 * Polls once for `user`: the saved automation's trigger (`automationIdOrDraft` = its id), or a draft's
 * (`{automationId?, draft: {trigger}}`; `seen` is then relative to the saved automation, if any).
 */
export async function pollNow(
  user: { id: string },
  automationIdOrDraft: string | { automationId?: string | null; draft?: unknown },
): Promise<PollNowResult> {
  const target =
    typeof automationIdOrDraft === 'string'
      ? { automationId: automationIdOrDraft }
      : parseInput(pollNowInput, automationIdOrDraft);
  // Owner check first: another user's automation is a 404 whatever the draft says.
  const saved = target.automationId ? getAutomation(user.id, target.automationId) : null;
  let config: PollConfig;
  if ('draft' in target && target.draft) {
    config = parseInput(draftPollTrigger, target.draft.trigger, 'trigger');
  } else if (saved) {
    const trigger = parseStoredTrigger(saved);
    if (trigger.type !== 'poll') throw new ValidationError('This automation does not have a poll trigger');
    config = trigger;
  } else {
    throw new ValidationError('Give an automationId or a draft', { draft: 'Required' });
  }
  const secrets = loadSecretValues(user.id, { touch: false });
  const outcome = await performPoll(config, secrets);
  const result: PollNowResult = outcome.ok
    ? (() => {
        const seen = seenKeys(
          saved?.id ?? null,
          outcome.items.map((i) => i.key),
        );
        return {
          status: outcome.status,
          items: outcome.items.map((i) => ({ key: i.key, item: i.item, seen: seen.has(i.key) })),
        };
      })()
    : { status: outcome.status, items: [], error: outcome.error };
  return maskSecretValues(result, Object.values(secrets));
}
