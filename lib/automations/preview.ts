import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { events, hooks } from '@/db/schema';
import { decrypt } from '@/lib/crypto/encryption';
import { sendRequest } from '@/lib/delivery/http-client';
import { maskSecretValues } from '@/lib/delivery/redact';
import { webhookHeaders } from '@/lib/delivery/sign';
import { getEventRow } from '@/lib/events/events';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { newId } from '@/lib/ids';
import { checkExpression, checkTemplate, evaluateExpression, type ExpressionError } from '@/lib/jsonata';
import { listSecretNames, loadSecretValues, referencedSecretNames } from '@/lib/secrets/secrets';
import { parseInput } from '@/lib/validation';
import { getAutomation, parseStoredActions } from './automations';
import {
  actionInput,
  DEFAULT_ACTION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  type StoredAction,
} from './definition';
import {
  evaluateFilter,
  evaluateWhen,
  renderAction,
  runContextFromEvent,
  type RenderError,
  type RunContext,
  type StepBinding,
} from './render';

// The editor's preview, backtest and "Send test": the same rendering the worker does (render.ts), on a draft
// that may not be valid yet, with every secret value masked in what is returned.

type Owner = { id: string };

export const BACKTEST_EVENT_LIMIT = 50;

export const sampleInput = z.union([
  z.object({ eventId: z.string().min(1) }),
  z.object({
    json: z.unknown(),
    /** Optional raw body and its content type (e.g. a template's form sample); default JSON of `json`. */
    raw: z.string().optional(),
    contentType: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
]);
export type SampleInput = z.infer<typeof sampleInput>;

export interface PreviewRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** Set when the body is not UTF-8 text and is shown as base64. */
  bodyEncoding?: 'base64';
}

export interface ActionPreview {
  name: string;
  /** null when there is no `when` condition. */
  when: { pass: boolean } | { error: RenderError } | null;
  request: PreviewRequest | null;
  error: RenderError | null;
}

export interface AutomationPreview {
  filter: { pass: boolean } | { error: RenderError };
  actions: ActionPreview[];
}

export interface BacktestRow extends AutomationPreview {
  eventId: string;
  receivedAt: string;
  pass: boolean;
}

interface DraftAction {
  action: StoredAction | null;
  /** Plaintext, for "Send test" of a draft; never returned. */
  signingSecret: string | null;
  error: RenderError | null;
}

interface Draft {
  filter: string | null;
  actions: DraftAction[];
}

/** Reads what can be read from a draft definition: an invalid action is reported, not thrown. */
export function parseDraft(raw: unknown): Draft {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const filter = typeof obj.filter === 'string' && obj.filter.trim() !== '' ? obj.filter : null;
  const list = Array.isArray(obj.actions) ? obj.actions : [];
  return {
    filter,
    actions: list.map((item, i): DraftAction => {
      const parsed = actionInput.safeParse(item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? issue.path.join('.') : 'action';
        return {
          action: null,
          signingSecret: null,
          error: { where, message: issue?.message ?? 'Invalid action' },
        };
      }
      const a = parsed.data;
      return {
        action: {
          name: a.name?.trim() || `Action ${i + 1}`,
          method: a.method,
          url: a.url,
          headers: a.headers ?? {},
          body: a.body == null || a.body.trim() === '' ? null : a.body,
          when: a.when == null || a.when.trim() === '' ? null : a.when,
          timeoutMs: a.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS,
          retry: { maxAttempts: a.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS },
          signingSecretEncrypted: null,
        },
        signingSecret: a.signingSecret ?? null,
        error: null,
      };
    }),
  };
}

function contextFromSample(user: Owner, sample: SampleInput, secrets: Record<string, string>): RunContext {
  if ('eventId' in sample) return runContextFromEvent(getEventRow(user, sample.eventId), secrets, []);
  const contentType = sample.contentType ?? 'application/json';
  const raw = sample.raw ?? JSON.stringify(sample.json ?? null);
  return {
    body: sample.json ?? null,
    rawBody: Buffer.from(raw, 'utf8'),
    contentType,
    event: {
      id: 'evt_sample',
      hookId: null,
      method: 'POST',
      headers: { 'content-type': contentType, ...lowerCase(sample.headers ?? {}) },
      query: {},
      receivedAt: new Date().toISOString(),
      sourceIp: null,
      source: 'test',
    },
    secrets,
    steps: [],
  };
}

function lowerCase(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function bodyForDisplay(body: Buffer | string | null): Pick<PreviewRequest, 'body' | 'bodyEncoding'> {
  if (body === null || typeof body === 'string') return { body };
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    return { body: body.toString('base64'), bodyEncoding: 'base64' };
  }
}

async function previewWithContext(draft: Draft, ctx: RunContext): Promise<AutomationPreview> {
  const filter = await evaluateFilter(draft.filter, ctx);
  const actions = await Promise.all(
    draft.actions.map(async (d, i): Promise<ActionPreview> => {
      const name = d.action?.name ?? `Action ${i + 1}`;
      if (!d.action) return { name, when: null, request: null, error: d.error };
      const when = d.action.when === null ? null : await evaluateWhen(d.action.when, ctx);
      const rendered = await renderAction(d.action, ctx);
      return {
        name,
        when: when === null ? null : when.ok ? { pass: when.pass } : { error: when.error },
        request: rendered.ok
          ? {
              method: rendered.request.method,
              url: rendered.request.url,
              headers: rendered.request.headers,
              ...bodyForDisplay(rendered.request.body),
            }
          : null,
        error: rendered.ok ? null : rendered.error,
      };
    }),
  );
  return { filter: filter.ok ? { pass: filter.pass } : { error: filter.error }, actions };
}

/** Filter result and each action's rendered request for one sample, secrets masked as ••••. */
export async function previewAutomation(
  user: Owner,
  draft: unknown,
  sample: unknown,
): Promise<AutomationPreview> {
  const parsedSample = parseInput(sampleInput, sample, 'sample');
  const secrets = loadSecretValues(user.id, { touch: false });
  const ctx = contextFromSample(user, parsedSample, secrets);
  const result = await previewWithContext(parseDraft(draft), ctx);
  return maskSecretValues(result, Object.values(secrets));
}

/** The filter and mappings over the hook's last 50 accepted events, newest first. Nothing is sent. */
export async function backtestAutomation(
  user: Owner,
  draft: unknown,
  hookId: string,
): Promise<BacktestRow[]> {
  const hook = getDb()
    .select({ id: hooks.id })
    .from(hooks)
    .where(and(eq(hooks.id, hookId), eq(hooks.userId, user.id)))
    .get();
  if (!hook) throw new NotFoundError('Hook');
  const rows = getDb()
    .select()
    .from(events)
    .where(and(eq(events.hookId, hookId), eq(events.userId, user.id), eq(events.outcome, 'accepted')))
    .orderBy(desc(events.id))
    .limit(BACKTEST_EVENT_LIMIT)
    .all();
  const secrets = loadSecretValues(user.id, { touch: false });
  const parsed = parseDraft(draft);
  const results = await Promise.all(
    rows.map(async (row): Promise<BacktestRow> => {
      const ctx = runContextFromEvent(row, secrets, []);
      const preview = await previewWithContext(parsed, ctx);
      const pass = 'pass' in preview.filter && preview.filter.pass;
      return {
        eventId: row.id,
        receivedAt: new Date(row.receivedAt).toISOString(),
        pass,
        filter: preview.filter,
        // A filtered-out event sends nothing, so there is nothing to show for its actions.
        actions: pass ? preview.actions : [],
      };
    }),
  );
  return maskSecretValues(results, Object.values(secrets));
}

export interface SendTestStep {
  name: string;
  skipped: boolean;
  request: PreviewRequest | null;
  response: { status: number; headers: Record<string, string>; body: string } | null;
  durationMs: number | null;
  error: RenderError | { where: 'send'; message: string } | null;
}

export interface SendTestResult {
  filter: { pass: boolean } | { error: RenderError };
  steps: SendTestStep[];
}

function parseResponseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * Executes the automation once for real against one event (or sample): renders each action as the worker would,
 * signs it, and sends it through the SSRF-guarded client. Later actions see earlier responses as `$steps`.
 * `draftOrId` is a saved automation's id or a draft definition.
 */
export async function sendTestAutomation(
  user: Owner,
  draftOrId: unknown,
  sample: unknown,
): Promise<SendTestResult> {
  let draft: Draft;
  if (typeof draftOrId === 'string') {
    const row = getAutomation(user.id, draftOrId);
    draft = {
      filter: row.filter,
      actions: parseStoredActions(row).map((action) => ({
        action,
        signingSecret: action.signingSecretEncrypted ? decrypt(action.signingSecretEncrypted) : null,
        error: null,
      })),
    };
  } else {
    draft = parseDraft(draftOrId);
  }
  const parsedSample =
    typeof sample === 'string' ? { eventId: sample } : parseInput(sampleInput, sample, 'sample');
  const secrets = loadSecretValues(user.id);
  const ctx = contextFromSample(user, parsedSample, secrets);
  const filter = await evaluateFilter(draft.filter, ctx);
  const result: SendTestResult = {
    filter: filter.ok ? { pass: filter.pass } : { error: filter.error },
    steps: [],
  };
  if (!filter.ok || !filter.pass) return maskSecretValues(result, Object.values(secrets));

  const steps: StepBinding[] = [];
  const msgBase = newId('msg');
  for (const [i, d] of draft.actions.entries()) {
    const stepCtx: RunContext = { ...ctx, steps: [...steps] };
    const name = d.action?.name ?? `Action ${i + 1}`;
    const step: SendTestStep = {
      name,
      skipped: false,
      request: null,
      response: null,
      durationMs: null,
      error: null,
    };
    result.steps.push(step);
    if (!d.action) {
      step.error = d.error;
      break;
    }
    const when = await evaluateWhen(d.action.when, stepCtx);
    if (!when.ok) {
      step.error = when.error;
      break;
    }
    if (!when.pass) {
      step.skipped = true;
      steps.push({ status: null, headers: {}, body: null });
      continue;
    }
    const rendered = await renderAction(d.action, stepCtx);
    if (!rendered.ok) {
      step.error = rendered.error;
      break;
    }
    const req = rendered.request;
    const headers = {
      ...req.headers,
      ...webhookHeaders(`${msgBase}_${i}`, d.signingSecret, req.body ?? '', Date.now()),
    };
    step.request = { method: req.method, url: req.url, headers, ...bodyForDisplay(req.body) };
    const sent = await sendRequest({ ...req, headers, timeoutMs: d.action.timeoutMs });
    step.durationMs = sent.durationMs;
    if (sent.response) {
      step.response = {
        status: sent.response.status,
        headers: sent.response.headers,
        body: sent.response.body,
      };
    }
    if (sent.error) {
      step.error = { where: 'send', message: sent.error.message };
      break;
    }
    steps.push({
      status: sent.response!.status,
      headers: sent.response!.headers,
      body: parseResponseBody(sent.response!.body),
    });
    if (sent.response!.status >= 400) {
      step.error = { where: 'send', message: `Destination answered HTTP ${sent.response!.status}` };
      break;
    }
  }
  return maskSecretValues(result, Object.values(secrets));
}

export function assertDraftObject(draft: unknown): void {
  if (draft !== undefined && (draft === null || typeof draft !== 'object')) {
    throw new ValidationError('draft must be an object', { draft: 'Expected an object' });
  }
}

export const previewInput = z.object({
  expression: z.string().max(50_000),
  input: z.unknown().optional(),
  bindings: z
    .object({
      event: z.unknown().optional(),
      secrets: z.record(z.string(), z.string()).optional(),
      steps: z.array(z.unknown()).optional(),
    })
    .optional(),
});

/**
 * POST /api/v1/preview: one expression against an input. `$secrets` defaults to the user's secrets, whose values
 * are masked in the result. Compile and evaluation errors both come back as `{message, position}`.
 */
export async function evaluatePreview(
  user: Owner,
  raw: unknown,
): Promise<{ ok: true; result: unknown } | { ok: false; error: { message: string; position?: number } }> {
  const data = parseInput(previewInput, raw);
  const stored = loadSecretValues(user.id, { touch: false });
  const compileError = checkExpression(data.expression);
  if (compileError) return { ok: false, error: expressionErrorBody(compileError) };
  const result = await evaluateExpression(data.expression, data.input ?? null, {
    event: data.bindings?.event,
    secrets: { ...stored, ...data.bindings?.secrets },
    steps: data.bindings?.steps ?? [],
  });
  if (!result.ok)
    return { ok: false, error: maskSecretValues(expressionErrorBody(result.error), Object.values(stored)) };
  return { ok: true, result: maskSecretValues(result.value ?? null, Object.values(stored)) };
}

function expressionErrorBody(e: ExpressionError): { message: string; position?: number } {
  return { message: e.message, ...(typeof e.position === 'number' ? { position: e.position } : {}) };
}

export const checkInput = z.object({
  items: z
    .array(z.object({ text: z.string().max(50_000), kind: z.enum(['expression', 'template']) }))
    .max(100),
});

/** The editor's inline markers: a compile check of each expression/template, plus unknown `$secrets` names. */
export function checkDraftExpressions(
  user: Owner,
  raw: unknown,
): { errors: ({ message: string; position?: number; from?: number; to?: number } | null)[] } {
  const { items } = parseInput(checkInput, raw);
  const known = listSecretNames(user.id);
  return {
    errors: items.map((item) => {
      if (item.text.trim() === '') return null;
      const error = item.kind === 'expression' ? checkExpression(item.text) : checkTemplate(item.text);
      if (error) return expressionErrorBody(error);
      const missing = referencedSecretNames(item.text).find((n) => !known.has(n));
      if (!missing) return null;
      const from = item.text.indexOf(missing);
      return {
        message: `Unknown secret $secrets.${missing}: create it in Settings → Secrets`,
        from,
        to: from + missing.length,
      };
    }),
  };
}

export interface SampleEvent {
  id: string;
  receivedAt: string;
  method: string;
  contentType: string | null;
  size: number;
}

/** The hook's recent accepted events, newest first, for the editor's sample picker. */
export function listSampleEvents(user: Owner, hookId: string, limit = 20): SampleEvent[] {
  if (!hookId) return [];
  return getDb()
    .select({
      id: events.id,
      receivedAt: events.receivedAt,
      method: events.method,
      contentType: events.contentType,
      size: events.size,
    })
    .from(events)
    .where(and(eq(events.hookId, hookId), eq(events.userId, user.id), eq(events.outcome, 'accepted')))
    .orderBy(desc(events.id))
    .limit(limit)
    .all()
    .map((e) => ({ ...e, receivedAt: new Date(e.receivedAt).toISOString() }));
}
