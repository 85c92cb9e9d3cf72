import { and, asc, eq, inArray } from 'drizzle-orm';
import { noteHooksChanged } from '@/lib/hooks/changes';
import { getDb, getDbHandle } from '@/db/client';
import { automations, hooks } from '@/db/schema';
import {
  createAutomation,
  parseStoredActions,
  toAutomationInput,
  type AutomationRow,
} from '@/lib/automations/automations';
import type { AutomationInput, Trigger } from '@/lib/automations/definition';
import { expressionFields } from '@/lib/automations/validate';
import { AppError, NotFoundError, ValidationError } from '@/lib/errors';
import { createHook, toApiHook, type HookRow } from '@/lib/hooks/hooks';
import { storedVerification } from '@/lib/hooks/settings';
import { listSecretNames, referencedSecretNames } from '@/lib/secrets/secrets';
import type { SessionUser } from '@/lib/users/users';
import { parseInput } from '@/lib/validation';
import {
  EXPORT_FORMAT_VERSION,
  exportFile,
  importOptions,
  type ConflictChoice,
  type ExportedAutomation,
  type ExportedHook,
  type ExportFile,
  type ImportOptions,
} from './schema';

type Owner = Pick<SessionUser, 'id'>;

// ---------------------------------------------------------------- export

function hookIdOf(trigger: Trigger): string | null {
  return trigger.type === 'webhook' || trigger.type === 'silence' ? trigger.hookId : null;
}

function exportHook(row: HookRow, key: string): ExportedHook {
  const api = toApiHook(row, '');
  const { secretCount: _count, ...verification } = api.verification;
  void _count;
  return {
    key,
    name: api.name,
    enabled: api.enabled,
    allowedMethods: api.allowedMethods as ExportedHook['allowedMethods'],
    allowedIps: api.allowedIps,
    maxBodyBytes: api.maxBodyBytes,
    rateLimit: api.rateLimit,
    dedupe: api.dedupe,
    response: api.response,
    verification: {
      ...verification,
      // The secret itself never leaves; the importer sets a new one (the hook rejects requests until then).
      ...(verification.scheme !== 'none' ? { secretRequired: true } : {}),
    },
  };
}

function exportAutomation(row: AutomationRow, hookKeys: Map<string, string>): ExportedAutomation {
  const input = toAutomationInput(row);
  const signed = parseStoredActions(row).map((a) => !!a.signingSecretEncrypted);
  const t = input.trigger;
  const trigger =
    t.type === 'webhook' || t.type === 'silence'
      ? (() => {
          const { hookId, ...rest } = t;
          return { ...rest, hookKey: hookKeys.get(hookId)! };
        })()
      : t;
  return {
    name: input.name,
    enabled: input.enabled,
    trigger,
    filter: input.filter ?? null,
    actions: input.actions.map((a, i) => ({
      ...a,
      ...(signed[i] ? { signingSecretRequired: true as const } : {}),
    })),
  };
}

/** Secret names referenced by a definition's expressions and templates. */
function secretNamesOf(input: AutomationInput): string[] {
  return [...new Set(expressionFields(input).flatMap((c) => referencedSecretNames(c.text)))];
}

/**
 * The user's automations (all, or those in `ids`) with the hooks their triggers use, as one file. No secret
 * values: verification and signing secrets are left out and flagged, `$secrets.NAME` stays a reference.
 */
export function exportAutomations(user: Owner, ids?: string[] | null, now = new Date()): ExportFile {
  const rows = getDb()
    .select()
    .from(automations)
    .where(and(eq(automations.userId, user.id), ids ? inArray(automations.id, ids) : undefined))
    .orderBy(asc(automations.id))
    .all();
  if (ids && rows.length !== new Set(ids).size) throw new NotFoundError('Automation');
  const hookIds = [
    ...new Set(rows.map((r) => hookIdOf(r.trigger as Trigger)).filter((id): id is string => !!id)),
  ];
  const hookRows = hookIds.length
    ? getDb()
        .select()
        .from(hooks)
        .where(and(eq(hooks.userId, user.id), inArray(hooks.id, hookIds)))
        .all()
    : [];
  const byId = new Map(hookRows.map((h) => [h.id, h]));
  // Keys follow the order automations first use them, so exporting an import gives the same keys.
  const hookKeys = new Map<string, string>();
  for (const id of hookIds) if (byId.has(id)) hookKeys.set(id, `hook-${hookKeys.size + 1}`);
  const secrets = new Set<string>();
  for (const row of rows) for (const name of secretNamesOf(toAutomationInput(row))) secrets.add(name);
  return {
    hookline: EXPORT_FORMAT_VERSION,
    exportedAt: now.toISOString(),
    secrets: [...secrets].sort(),
    hooks: [...hookKeys].map(([id, key]) => exportHook(byId.get(id)!, key)) as ExportFile['hooks'],
    automations: rows.map((r) => exportAutomation(r, hookKeys)) as ExportFile['automations'],
  };
}

export function exportFileName(now = new Date()): string {
  return `hookline-automations-${now.toISOString().slice(0, 10)}.json`;
}

// ---------------------------------------------------------------- import

export interface ImportPreviewHook {
  key: string;
  name: string;
  /** A hook with this name exists: skip = attach to it, rename = create "name (2)". */
  conflict: boolean;
  choice: ConflictChoice | null;
  secretRequired: boolean;
}

export interface ImportPreviewAutomation {
  index: number;
  name: string;
  /** The name it will get (after a rename), or null when skipped. */
  importAs: string | null;
  triggerType: string;
  conflict: boolean;
  choice: ConflictChoice | null;
  missingSecrets: string[];
  signingSecretsOmitted: number;
  /** Why it cannot be imported as it is (validation against this installation), or null. */
  error: string | null;
}

export interface ImportPreview {
  hooks: ImportPreviewHook[];
  automations: ImportPreviewAutomation[];
  /** True when nothing blocks the import (every non-skipped automation validates). */
  ok: boolean;
}

export interface ImportResult extends ImportPreview {
  created: {
    hooks: { key: string; id: string; name: string }[];
    automations: { id: string; name: string }[];
  };
}

/** Parses the text of an export file (JSON) with the file schema. */
export function parseExportFile(input: unknown): ExportFile {
  let raw = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch {
      throw new ValidationError('The file is not valid JSON');
    }
  }
  return parseInput(exportFile, raw);
}

function uniqueName(name: string, taken: Set<string>): string {
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = `${name.slice(0, 100 - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

const ROLLBACK = Symbol('rollback');

/**
 * Applies the file in one transaction: hooks first (new tokens; verification schemes kept but with no secret, so
 * they fail closed until one is set), then each automation through the same validation as the API. Conflicts are
 * never overwritten: skipped or renamed. With `dryRun` everything is rolled back and only the report returned.
 */
function applyImport(user: Owner, file: ExportFile, options: ImportOptions, dryRun: boolean): ImportResult {
  const opts = importOptions.parse(options);
  const choiceFor = (id: string) => opts.resolutions[id] ?? opts.onConflict;
  const { sqlite } = getDbHandle();
  let result: ImportResult | null = null;
  try {
    sqlite.transaction(() => {
      const hookNames = new Map(
        getDb()
          .select({ id: hooks.id, name: hooks.name })
          .from(hooks)
          .where(eq(hooks.userId, user.id))
          .orderBy(asc(hooks.id))
          .all()
          .reverse()
          .map((h) => [h.name, h.id]),
      );
      const automationNames = new Set(
        getDb()
          .select({ name: automations.name })
          .from(automations)
          .where(eq(automations.userId, user.id))
          .all()
          .map((r) => r.name),
      );
      const knownSecrets = listSecretNames(user.id);
      const hookIds = new Map<string, string>();
      const report: ImportResult = {
        hooks: [],
        automations: [],
        ok: true,
        created: { hooks: [], automations: [] },
      };

      for (const h of file.hooks) {
        const existing = hookNames.get(h.name);
        const choice = existing ? choiceFor(`hook:${h.key}`) : null;
        const secretRequired = h.verification.scheme !== 'none';
        report.hooks.push({ key: h.key, name: h.name, conflict: !!existing, choice, secretRequired });
        if (existing && choice === 'skip') {
          hookIds.set(h.key, existing);
          continue;
        }
        const name = existing ? uniqueName(h.name, new Set(hookNames.keys())) : h.name;
        const { key: _key, verification, ...settings } = h;
        void _key;
        const row = createHook(user, { ...settings, name });
        if (verification.scheme !== 'none') {
          const { secretRequired: _s, ...rest } = verification;
          void _s;
          getDb()
            .update(hooks)
            .set({ verification: storedVerification.parse({ ...rest, secrets: [] }) })
            .where(eq(hooks.id, row.id))
            .run();
          noteHooksChanged();
        }
        hookNames.set(name, row.id);
        hookIds.set(h.key, row.id);
        report.created.hooks.push({ key: h.key, id: row.id, name });
      }

      file.automations.forEach((a, index) => {
        const conflict = automationNames.has(a.name);
        const choice = conflict ? choiceFor(`automation:${index}`) : null;
        const importAs = !conflict
          ? a.name
          : choice === 'rename'
            ? uniqueName(a.name, automationNames)
            : null;
        const { trigger, actions, ...rest } = a;
        const t = trigger;
        const input: AutomationInput = {
          ...rest,
          trigger:
            t.type === 'webhook' || t.type === 'silence'
              ? (() => {
                  const { hookKey, ...tr } = t;
                  return { ...tr, hookId: hookIds.get(hookKey) ?? hookKey };
                })()
              : t,
          actions: actions.map(({ signingSecretRequired: _s, ...action }) => {
            void _s;
            return action;
          }),
        } as AutomationInput;
        const missingSecrets = secretNamesOf(input).filter((n) => !knownSecrets.has(n));
        const item: ImportPreviewAutomation = {
          index,
          name: a.name,
          importAs,
          triggerType: t.type,
          conflict,
          choice,
          missingSecrets,
          signingSecretsOmitted: actions.filter((x) => x.signingSecretRequired).length,
          error: null,
        };
        report.automations.push(item);
        if (importAs === null) return;
        try {
          // Each automation in its own savepoint: a failed one leaves no trace, and the report lists every error.
          const row = sqlite.transaction(() => createAutomation(user.id, { ...input, name: importAs }))();
          automationNames.add(importAs);
          report.created.automations.push({ id: row.id, name: importAs });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          item.error = error.message;
          report.ok = false;
        }
      });
      result = report;
      // All or nothing: an import with errors changes nothing.
      if (dryRun || !report.ok) throw ROLLBACK;
    })();
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  return result!;
}

/** What an import would do (conflicts, missing secrets, validation errors), without changing anything. */
export function previewImport(user: Owner, input: unknown, options: ImportOptions = {}): ImportPreview {
  const { hooks: h, automations: a, ok } = applyImport(user, parseExportFile(input), options, true);
  return { hooks: h, automations: a, ok };
}

/** Imports a file; throws ValidationError (nothing changed) when any automation to import does not validate. */
export function importAutomations(user: Owner, input: unknown, options: ImportOptions = {}): ImportResult {
  const result = applyImport(user, parseExportFile(input), options, false);
  if (!result.ok) {
    const fields: Record<string, string> = {};
    for (const a of result.automations)
      if (a.error) fields[`automations.${a.index}`] = `${a.name}: ${a.error}`;
    const first = Object.values(fields)[0];
    throw new ValidationError(`Nothing was imported. ${first}`, fields);
  }
  return result;
}
