import { and, desc, eq, lt } from 'drizzle-orm';
import { getDb, getDbHandle } from '@/db/client';
import { automations, automationVersions } from '@/db/schema';
import { decrypt, encrypt } from '@/lib/crypto/encryption';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { newId } from '@/lib/ids';
import { lastRuns } from '@/lib/runs/query';
import {
  DEFAULT_ACTION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  storedActions,
  trigger as triggerSchema,
  type ActionInput,
  type AutomationInput,
  type StoredAction,
  type Trigger,
} from './definition';
import { validateAutomation } from './validate';

export type AutomationRow = typeof automations.$inferSelect;

/** What a version row keeps: the whole behaviour of the automation at that version. */
export interface AutomationDefinition {
  name: string;
  trigger: Trigger;
  filter: string | null;
  actions: StoredAction[];
}

export interface ApiAction {
  name: string;
  method: StoredAction['method'];
  url: string;
  headers: Record<string, string>;
  body: string | null;
  when: string | null;
  timeoutMs: number;
  retry: { maxAttempts: number };
  hasSigningSecret: boolean;
}

export interface ApiAutomation {
  id: string;
  name: string;
  enabled: boolean;
  version: number;
  trigger: Trigger;
  filter: string | null;
  actions: ApiAction[];
  createdAt: string;
  updatedAt: string;
  lastRun?: { status: string; createdAt: string } | null;
}

export function parseStoredActions(row: Pick<AutomationRow, 'actions'>): StoredAction[] {
  return storedActions.parse(row.actions);
}

export function parseStoredTrigger(row: Pick<AutomationRow, 'trigger'>): Trigger {
  return triggerSchema.parse(row.trigger);
}

/** Decrypted Standard Webhooks secret of a stored action (for signing at send time only). */
export function actionSigningSecret(action: StoredAction): string | null {
  return action.signingSecretEncrypted ? decrypt(action.signingSecretEncrypted) : null;
}

/** An action's settings as the API and the editor take them (the signing secret is never among them). */
function actionSettings(a: StoredAction) {
  return {
    name: a.name,
    method: a.method,
    url: a.url,
    headers: a.headers,
    body: a.body,
    when: a.when,
    timeoutMs: a.timeoutMs,
    retry: a.retry,
  };
}

/** The API shape: signing secrets are write-only, so only `hasSigningSecret` is returned. */
export function toApiAutomation(row: AutomationRow, lastRun?: ApiAutomation['lastRun']): ApiAutomation {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    version: row.version,
    trigger: parseStoredTrigger(row),
    filter: row.filter,
    actions: parseStoredActions(row).map((a) => ({
      ...actionSettings(a),
      hasSigningSecret: !!a.signingSecretEncrypted,
    })),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    ...(lastRun !== undefined ? { lastRun } : {}),
  };
}

function blankToNull(s: string | null | undefined): string | null {
  return s == null || s.trim() === '' ? null : s;
}

/** `previous` supplies the signing secret of an action that omits it (matched by index). */
function toStoredAction(a: ActionInput, index: number, previous?: StoredAction): StoredAction {
  let signingSecretEncrypted: string | null = null;
  if (typeof a.signingSecret === 'string') signingSecretEncrypted = encrypt(a.signingSecret);
  else if (a.signingSecret === undefined) signingSecretEncrypted = previous?.signingSecretEncrypted ?? null;
  return {
    name: a.name?.trim() || `Action ${index + 1}`,
    method: a.method,
    url: a.url,
    headers: a.headers ?? {},
    // An empty body editor means "forward unchanged", the same as null.
    body: blankToNull(a.body),
    when: blankToNull(a.when),
    timeoutMs: a.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS,
    retry: { maxAttempts: a.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS },
    signingSecretEncrypted,
  };
}

function hookIdOf(trigger: Trigger): string | null {
  return trigger.type === 'webhook' || trigger.type === 'silence' ? trigger.hookId : null;
}

function definitionOf(row: AutomationRow): AutomationDefinition {
  return {
    name: row.name,
    trigger: parseStoredTrigger(row),
    filter: row.filter,
    actions: parseStoredActions(row),
  };
}

function insertVersion(row: AutomationRow): void {
  getDb()
    .insert(automationVersions)
    .values({
      automationId: row.id,
      version: row.version,
      definition: definitionOf(row),
      createdAt: row.updatedAt,
    })
    .run();
}

function transaction<T>(fn: () => T): T {
  return getDbHandle().sqlite.transaction(fn)();
}

export function createAutomation(userId: string, raw: unknown): AutomationRow {
  const input = validateAutomation(userId, raw);
  return insertAutomation(
    userId,
    input,
    input.actions.map((a, i) => toStoredAction(a, i)),
  );
}

function insertAutomation(
  userId: string,
  input: Pick<AutomationInput, 'name' | 'enabled' | 'trigger' | 'filter'>,
  actions: StoredAction[],
): AutomationRow {
  const now = Date.now();
  const row: AutomationRow = {
    id: newId('aut'),
    userId,
    name: input.name,
    enabled: input.enabled ?? true,
    version: 1,
    triggerType: input.trigger.type,
    hookId: hookIdOf(input.trigger),
    trigger: input.trigger,
    filter: blankToNull(input.filter),
    actions,
    createdAt: now,
    updatedAt: now,
  };
  transaction(() => {
    getDb().insert(automations).values(row).run();
    insertVersion(row);
  });
  return row;
}

/** Owner-scoped fetch-or-throw: another user's id is a 404, never a 403. */
export function getAutomation(userId: string, id: string): AutomationRow {
  const row = getDb()
    .select()
    .from(automations)
    .where(and(eq(automations.id, id), eq(automations.userId, userId)))
    .get();
  if (!row) throw new NotFoundError('Automation');
  return row;
}

export function getAutomationVersion(automationId: string, version: number): AutomationDefinition | null {
  const row = getDb()
    .select({ definition: automationVersions.definition })
    .from(automationVersions)
    .where(and(eq(automationVersions.automationId, automationId), eq(automationVersions.version, version)))
    .get();
  return (row?.definition as AutomationDefinition | undefined) ?? null;
}

export interface AutomationListItem {
  row: AutomationRow;
  lastRun: { status: string; createdAt: string } | null;
}

/** Newest first; `cursor` is the last id of the previous page. */
export function listAutomations(
  userId: string,
  { limit = 50, cursor }: { limit?: number; cursor?: string | null } = {},
): { items: AutomationListItem[]; nextCursor: string | null } {
  const rows = getDb()
    .select()
    .from(automations)
    .where(and(eq(automations.userId, userId), cursor ? lt(automations.id, cursor) : undefined))
    .orderBy(desc(automations.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = lastRuns(page.map((r) => r.id));
  return {
    items: page.map((row) => {
      const run = last.get(row.id);
      return {
        row,
        lastRun: run ? { status: run.status, createdAt: new Date(run.createdAt).toISOString() } : null,
      };
    }),
    nextCursor: rows.length > limit ? page[page.length - 1].id : null,
  };
}

/** The editable definition of a stored automation, in input shape (signing secrets omitted = kept). */
export function toAutomationInput(row: AutomationRow): AutomationInput {
  return {
    name: row.name,
    enabled: row.enabled,
    trigger: parseStoredTrigger(row),
    filter: row.filter,
    actions: parseStoredActions(row).map(actionSettings),
  };
}

/**
 * Applies a (possibly partial) change. Every save bumps `version` and records the full definition, except a
 * change of `enabled` alone, which does not change what a run does.
 */
export function updateAutomation(userId: string, id: string, patch: unknown): AutomationRow {
  const current = getAutomation(userId, id);
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new ValidationError('Body must be a JSON object');
  }
  const changes = patch as Record<string, unknown>;
  const keys = Object.keys(changes).filter((k) => changes[k] !== undefined);
  if (keys.length === 1 && keys[0] === 'enabled' && typeof changes.enabled === 'boolean') {
    return setEnabled(userId, id, changes.enabled);
  }
  const merged = { ...toAutomationInput(current), ...changes };
  const input = validateAutomation(userId, merged, id);
  const previous = parseStoredActions(current);
  const actions = input.actions.map((a, i) => toStoredAction(a, i, previous[i]));
  const next: AutomationRow = {
    ...current,
    name: input.name,
    enabled: input.enabled ?? current.enabled,
    version: current.version + 1,
    triggerType: input.trigger.type,
    hookId: hookIdOf(input.trigger),
    trigger: input.trigger,
    filter: blankToNull(input.filter),
    actions,
    updatedAt: Date.now(),
  };
  transaction(() => {
    getDb()
      .update(automations)
      .set({
        name: next.name,
        enabled: next.enabled,
        version: next.version,
        triggerType: next.triggerType,
        hookId: next.hookId,
        trigger: next.trigger,
        filter: next.filter,
        actions: next.actions,
        updatedAt: next.updatedAt,
      })
      .where(and(eq(automations.id, id), eq(automations.userId, userId)))
      .run();
    insertVersion(next);
  });
  return next;
}

export function setEnabled(userId: string, id: string, enabled: boolean): AutomationRow {
  const res = getDb()
    .update(automations)
    .set({ enabled, updatedAt: Date.now() })
    .where(and(eq(automations.id, id), eq(automations.userId, userId)))
    .run();
  if (res.changes === 0) throw new NotFoundError('Automation');
  return getAutomation(userId, id);
}

/** "Copy of …", disabled, so a copy never starts taking events before it is looked at. */
export function duplicateAutomation(userId: string, id: string): AutomationRow {
  const source = getAutomation(userId, id);
  const names = new Set(
    getDb()
      .select({ name: automations.name })
      .from(automations)
      .where(eq(automations.userId, userId))
      .all()
      .map((r) => r.name),
  );
  const base = `Copy of ${source.name}`.slice(0, 95);
  let name = base;
  for (let n = 2; names.has(name); n++) name = `${base} (${n})`;
  return insertAutomation(
    userId,
    { name, enabled: false, trigger: parseStoredTrigger(source), filter: source.filter },
    parseStoredActions(source),
  );
}

export function deleteAutomation(userId: string, id: string): void {
  const res = getDb()
    .delete(automations)
    .where(and(eq(automations.id, id), eq(automations.userId, userId)))
    .run();
  if (res.changes === 0) throw new NotFoundError('Automation');
}
