import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { automations, hooks, triggerState } from '@/db/schema';
import { getAutomation, parseStoredTrigger } from '@/lib/automations/automations';
import type { TriggerStateJson } from './state';

// Read side of the scheduler: what the automation page and the hook page show.

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

export interface TriggerStatus {
  type: 'schedule' | 'poll' | 'silence';
  enabled: boolean;
  /** null before the scheduler has set the trigger up (within a second of saving) or while disabled. */
  nextFireAt: string | null;
  lastFiredAt: string | null;
  /** Silence: whether it will fire when the hook stays quiet (false once fired, until the next event). */
  armed: boolean;
  /** Poll: whether the first successful poll (which only records the existing items) has happened. */
  baselineTaken: boolean;
  consecutiveFailures: number;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
  lastPoll: { at: string; status: number | null; items: number; newItems: number; ok: boolean } | null;
  /** Silence: the hook's last accepted event. */
  hookLastEventAt: string | null;
}

type StateRow = typeof triggerState.$inferSelect;

function effectiveArmed(state: StateRow | undefined, hookLastEventAt: number | null): boolean {
  if (!state) return true;
  // Re-arming happens at the scheduler's next check; the event that re-arms it is already visible here.
  return state.armed || (hookLastEventAt !== null && hookLastEventAt > (state.lastFiredAt ?? 0));
}

/** The scheduling state of a schedule/poll/silence automation of `userId`; null for a webhook trigger. */
export function getTriggerStatus(userId: string, automationId: string): TriggerStatus | null {
  const row = getAutomation(userId, automationId);
  const trigger = parseStoredTrigger(row);
  if (trigger.type === 'webhook') return null;
  const state = getDb().select().from(triggerState).where(eq(triggerState.automationId, row.id)).get();
  const json = (state?.state ?? null) as TriggerStateJson | null;
  const current = json?.version === row.version;
  let hookLastEventAt: number | null = null;
  if (trigger.type === 'silence') {
    hookLastEventAt =
      getDb()
        .select({ lastEventAt: hooks.lastEventAt })
        .from(hooks)
        .where(and(eq(hooks.id, trigger.hookId), eq(hooks.userId, userId)))
        .get()?.lastEventAt ?? null;
  }
  const lastPoll = json?.lastPoll;
  return {
    type: trigger.type,
    enabled: row.enabled,
    nextFireAt: row.enabled && current ? iso(state?.nextFireAt) : null,
    lastFiredAt: iso(state?.lastFiredAt),
    armed: effectiveArmed(state, hookLastEventAt),
    baselineTaken: current ? !!state?.baselineTaken : false,
    consecutiveFailures: state?.consecutiveFailures ?? 0,
    lastError: state?.lastError ?? null,
    lastErrorAt: iso(state?.lastErrorAt),
    lastSuccessAt: iso(state?.lastSuccessAt),
    lastPoll: lastPoll ? { ...lastPoll, at: iso(lastPoll.at)! } : null,
    hookLastEventAt: iso(hookLastEventAt),
  };
}

export interface HookSilenceStatus {
  /** The hook's last accepted event (ISO), null if it never got one. */
  lastEventAt: string | null;
  /** Silence automations watching this hook, newest first. */
  triggers: {
    automationId: string;
    name: string;
    enabled: boolean;
    afterSeconds: number;
    /** Will fire if the hook stays quiet; false after firing until the hook accepts another event. */
    armed: boolean;
    lastFiredAt: string | null;
    /** When it fires if nothing arrives (armed and enabled only). */
    firesAt: string | null;
  }[];
}

/** For the hook page: "last event N minutes ago" and whether each silence trigger on it is armed or has fired. */
export function silenceStatusForHook(userId: string, hookId: string): HookSilenceStatus {
  const hook = getDb()
    .select({ lastEventAt: hooks.lastEventAt })
    .from(hooks)
    .where(and(eq(hooks.id, hookId), eq(hooks.userId, userId)))
    .get();
  if (!hook) return { lastEventAt: null, triggers: [] };
  const rows = getDb()
    .select({ automation: automations, state: triggerState })
    .from(automations)
    .leftJoin(triggerState, eq(triggerState.automationId, automations.id))
    .where(
      and(
        eq(automations.userId, userId),
        eq(automations.hookId, hookId),
        eq(automations.triggerType, 'silence'),
      ),
    )
    .all()
    .sort((a, b) => (a.automation.id < b.automation.id ? 1 : -1));
  return {
    lastEventAt: iso(hook.lastEventAt),
    triggers: rows.flatMap(({ automation, state }) => {
      const trigger = parseStoredTrigger(automation);
      if (trigger.type !== 'silence') return [];
      const armed = effectiveArmed(state ?? undefined, hook.lastEventAt);
      const quietSince = hook.lastEventAt ?? automation.createdAt;
      return [
        {
          automationId: automation.id,
          name: automation.name,
          enabled: automation.enabled,
          afterSeconds: trigger.afterSeconds,
          armed,
          lastFiredAt: iso(state?.lastFiredAt),
          firesAt: armed && automation.enabled ? iso(quietSince + trigger.afterSeconds * 1000) : null,
        },
      ];
    }),
  };
}
