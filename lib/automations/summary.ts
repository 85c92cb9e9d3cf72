import { asc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { hooks } from '@/db/schema';
import type { Trigger } from './definition';

/** The user's hooks as the editor's trigger picker lists them. */
export function hookOptions(userId: string): { id: string; name: string }[] {
  return getDb()
    .select({ id: hooks.id, name: hooks.name })
    .from(hooks)
    .where(eq(hooks.userId, userId))
    .orderBy(asc(hooks.name))
    .all();
}

/** One line for lists: "Webhook · Stripe", "Every … (cron) · Europe/Paris", … */
export function triggerSummary(trigger: Trigger, hookNames: Map<string, string>): string {
  switch (trigger.type) {
    case 'webhook':
      return `Webhook · ${hookNames.get(trigger.hookId) ?? 'deleted hook'}`;
    case 'silence':
      return `Silence ${trigger.afterSeconds}s · ${hookNames.get(trigger.hookId) ?? 'deleted hook'}`;
    case 'schedule':
      return `Schedule · ${trigger.cron}${trigger.timezone ? ` (${trigger.timezone})` : ''}`;
    case 'poll':
      return `Poll every ${trigger.intervalSeconds}s · ${trigger.url}`;
  }
}
