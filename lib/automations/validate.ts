import { Cron } from 'croner';
import { and, eq, ne } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { automations, hooks } from '@/db/schema';
import { ValidationError } from '@/lib/errors';
import { checkExpression, checkTemplate, type ExpressionError } from '@/lib/jsonata';
import { listSecretNames, referencedSecretNames } from '@/lib/secrets/secrets';
import { parseInput } from '@/lib/validation';
import { automationInput, type AutomationInput, type Trigger } from './definition';

// Save-time validation: everything a run would trip over later is refused now, with the field it belongs to
// (`filter`, `actions.0.body`, `actions.1.headers.Authorization`, `trigger.items`, …) and the position in it.

type Check = { field: string; text: string; kind: 'expression' | 'template' };

export function formatExpressionError(error: ExpressionError): string {
  return typeof error.position === 'number'
    ? `${error.message} (at position ${error.position})`
    : error.message;
}

/** Every expression and template of a definition, with the field it lives in. */
export function expressionFields(input: AutomationInput): Check[] {
  const checks: Check[] = [];
  const t = input.trigger;
  if (t.type === 'poll') {
    checks.push({ field: 'trigger.url', text: t.url, kind: 'template' });
    for (const [name, value] of Object.entries(t.headers ?? {})) {
      checks.push({ field: `trigger.headers.${name}`, text: value, kind: 'template' });
    }
    checks.push({ field: 'trigger.items', text: t.items, kind: 'expression' });
    checks.push({ field: 'trigger.key', text: t.key, kind: 'expression' });
  }
  if (input.filter) checks.push({ field: 'filter', text: input.filter, kind: 'expression' });
  input.actions.forEach((a, i) => {
    checks.push({ field: `actions.${i}.url`, text: a.url, kind: 'template' });
    for (const [name, value] of Object.entries(a.headers ?? {})) {
      checks.push({ field: `actions.${i}.headers.${name}`, text: value, kind: 'template' });
    }
    if (a.body != null && a.body.trim() !== '') {
      checks.push({ field: `actions.${i}.body`, text: a.body, kind: 'expression' });
    }
    if (a.when != null && a.when.trim() !== '') {
      checks.push({ field: `actions.${i}.when`, text: a.when, kind: 'expression' });
    }
  });
  return checks;
}

/** A URL template must be http(s): checked on its literal text with placeholders stood in for. */
export function checkUrlTemplate(template: string): string | null {
  const trimmed = template.trim();
  // The whole URL may come from a placeholder (e.g. a secret Slack webhook URL): checked when sent.
  if (trimmed.startsWith('{{')) return null;
  const literal = trimmed.replace(/\{\{[\s\S]*?\}\}/g, 'x');
  let url: URL;
  try {
    url = new URL(literal);
  } catch {
    return 'URL must be an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `URL must use http or https, not ${url.protocol.replace(/:$/, '')}`;
  }
  return null;
}

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Cron error message, or null. 5 fields, or 6 with seconds first. */
export function checkCron(cron: string, timezone?: string): string | null {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    return 'Cron needs 5 fields (minute hour day month weekday), or 6 with seconds first';
  }
  try {
    new Cron(cron, { timezone, paused: true });
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `Invalid cron: ${message.replace(/^CronPattern:\s*/, '')}`;
  }
}

/** The next fire times of a cron in its timezone (for the editor); [] when the cron is invalid. */
export function nextFireTimes(cron: string, timezone: string | undefined, count = 5): Date[] {
  if (checkCron(cron, timezone)) return [];
  try {
    return new Cron(cron, { timezone, paused: true }).nextRuns(count);
  } catch {
    return [];
  }
}

function hookOwned(userId: string, hookId: string): boolean {
  return !!getDb()
    .select({ id: hooks.id })
    .from(hooks)
    .where(and(eq(hooks.id, hookId), eq(hooks.userId, userId)))
    .get();
}

function triggerChecks(userId: string, trigger: Trigger, fields: Record<string, string>): void {
  if ((trigger.type === 'webhook' || trigger.type === 'silence') && !hookOwned(userId, trigger.hookId)) {
    fields['trigger.hookId'] = 'Hook not found';
  }
  if (trigger.type === 'schedule') {
    if (trigger.timezone && !isValidTimezone(trigger.timezone)) {
      fields['trigger.timezone'] = `Unknown timezone "${trigger.timezone}"`;
    } else {
      const error = checkCron(trigger.cron, trigger.timezone || undefined);
      if (error) fields['trigger.cron'] = error;
    }
  }
  if (trigger.type === 'poll') {
    const error = checkUrlTemplate(trigger.url);
    if (error) fields['trigger.url'] ??= error;
  }
}

/**
 * Parses and checks a definition for `userId`; throws ValidationError (400) listing every problem.
 * `automationId` excludes the automation itself from the name-uniqueness check.
 */
export function validateAutomation(userId: string, raw: unknown, automationId?: string): AutomationInput {
  const input = parseInput(automationInput, raw);
  const fields: Record<string, string> = {};

  for (const check of expressionFields(input)) {
    const error = check.kind === 'expression' ? checkExpression(check.text) : checkTemplate(check.text);
    if (error) fields[check.field] ??= formatExpressionError(error);
  }

  input.actions.forEach((a, i) => {
    const key = `actions.${i}.url`;
    if (fields[key]) return;
    const error = checkUrlTemplate(a.url);
    if (error) fields[key] = error;
  });

  triggerChecks(userId, input.trigger, fields);

  const known = listSecretNames(userId);
  for (const check of expressionFields(input)) {
    if (fields[check.field]) continue;
    const missing = referencedSecretNames(check.text).filter((name) => !known.has(name));
    if (missing.length > 0) {
      fields[check.field] =
        `Unknown secret${missing.length > 1 ? 's' : ''} ${missing.map((n) => `$secrets.${n}`).join(', ')}: create ${missing.length > 1 ? 'them' : 'it'} in Settings → Secrets`;
    }
  }

  const clash = getDb()
    .select({ id: automations.id })
    .from(automations)
    .where(
      and(
        eq(automations.userId, userId),
        eq(automations.name, input.name),
        automationId ? ne(automations.id, automationId) : undefined,
      ),
    )
    .get();
  if (clash) fields.name = `An automation named "${input.name}" already exists`;

  const entries = Object.entries(fields);
  if (entries.length > 0) {
    const [field, message] = entries[0];
    throw new ValidationError(`${field}: ${message}`, fields);
  }
  return input;
}
