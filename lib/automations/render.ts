import type { events } from '@/db/schema';
import { asBuffer, parsedBody } from '@/lib/events/parsed-body';
import {
  evaluateExpression,
  evaluateMany,
  isTruthy,
  type EvaluateOptions,
  type EvaluationItem,
  type ExpressionError,
} from '@/lib/jsonata';
import type { StoredAction } from './definition';

// Turns a stored action and one event into the exact request to send. Shared by the delivery worker (every run),
// the editor's preview and backtest, and "Send test", so what the editor shows is what the worker sends.

export interface RunContext {
  body: unknown;
  rawBody: Buffer | null;
  contentType: string | null;
  event: EventBinding;
  secrets: Record<string, string>;
  steps: StepBinding[];
  /**
   * The size of what `body` was parsed from, when it is a stored event's: small enough, plain expressions are
   * evaluated without a hop to an eval thread (lib/jsonata/inline.ts). Unknown for a hand-made sample.
   */
  inputBytes?: number;
}

export interface EventBinding {
  id: string;
  hookId: string | null;
  method: string;
  headers: Record<string, string>;
  query: Record<string, unknown>;
  /** ISO 8601 */
  receivedAt: string;
  sourceIp: string | null;
  source: string;
}

export interface StepBinding {
  status: number | null;
  headers: Record<string, string>;
  body: unknown;
}

export interface RenderedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | string | null;
}

/** `where`: 'filter' | 'when' | 'url' | 'headers.<name>' | 'body'. */
export type RenderError = { where: string; message: string; position?: number };

export type ConditionResult = { ok: true; pass: boolean } | { ok: false; error: RenderError };
export type RenderResult = { ok: true; request: RenderedRequest } | { ok: false; error: RenderError };

function bindings(ctx: RunContext) {
  return { event: ctx.event, secrets: ctx.secrets, steps: ctx.steps };
}

function options(ctx: RunContext): EvaluateOptions {
  return { inputBytes: ctx.inputBytes };
}

function toRenderError(where: string, error: ExpressionError): RenderError {
  return {
    where,
    message: error.message,
    ...(typeof error.position === 'number' ? { position: error.position } : {}),
  };
}

async function evaluateCondition(
  where: 'filter' | 'when',
  expr: string | null,
  ctx: RunContext,
): Promise<ConditionResult> {
  if (expr === null || expr.trim() === '') return { ok: true, pass: true };
  const result = await evaluateExpression(expr, ctx.body, bindings(ctx), options(ctx));
  if (!result.ok) return { ok: false, error: toRenderError(where, result.error) };
  return { ok: true, pass: isTruthy(result.value) };
}

/** The automation's filter; null or blank passes every event. */
export function evaluateFilter(filter: string | null, ctx: RunContext): Promise<ConditionResult> {
  return evaluateCondition('filter', filter, ctx);
}

/** An action's `when`; null or blank always runs the action. */
export function evaluateWhen(when: string | null, ctx: RunContext): Promise<ConditionResult> {
  return evaluateCondition('when', when, ctx);
}

type Slot = { where: string; headerName?: string };

/**
 * Renders URL and header templates and the body mapping in one round-trip to the JSONata pool.
 * body null forwards the received bytes unchanged with the received content type; an object/array result is
 * sent as JSON, a string as text, a number/boolean/null as JSON, undefined as no body. Header templates
 * override the defaults whatever their case.
 */
export async function renderAction(action: StoredAction, ctx: RunContext): Promise<RenderResult> {
  const { items, slots } = renderItems(action);
  return assembleRequest(
    action,
    ctx,
    slots,
    await evaluateMany(items, ctx.body, bindings(ctx), options(ctx)),
  );
}

export type DueRenderResult =
  | { ok: false; error: RenderError }
  | { ok: true; filterPass: boolean; whenPass: boolean; request: RenderedRequest | null };

/**
 * The worker's path: the filter (when `filter` is given, i.e. not yet decided), the action's `when`, and the
 * request, all in ONE round-trip to the JSONata pool. The request is rendered speculatively; a render error only
 * counts when the filter and `when` pass.
 */
export async function renderActionIfDue(
  action: StoredAction,
  ctx: RunContext,
  filter?: string | null,
): Promise<DueRenderResult> {
  const conditions: { where: 'filter' | 'when'; expr: string }[] = [];
  if (filter !== undefined && filter !== null && filter.trim() !== '')
    conditions.push({ where: 'filter', expr: filter });
  if (action.when !== null && action.when.trim() !== '')
    conditions.push({ where: 'when', expr: action.when });
  const { items, slots } = renderItems(action);
  const results = await evaluateMany(
    [...conditions.map((c) => ({ expr: c.expr, kind: 'expression' as const })), ...items],
    ctx.body,
    bindings(ctx),
    options(ctx),
  );
  let filterPass = true;
  let whenPass = true;
  for (let i = 0; i < conditions.length; i++) {
    const r = results[i];
    if (!r.ok) return { ok: false, error: toRenderError(conditions[i].where, r.error) };
    if (conditions[i].where === 'filter') filterPass = isTruthy(r.value);
    else whenPass = isTruthy(r.value);
    if (!filterPass || !whenPass) return { ok: true, filterPass, whenPass, request: null };
  }
  const rendered = assembleRequest(action, ctx, slots, results.slice(conditions.length));
  if (!rendered.ok) return rendered;
  return { ok: true, filterPass, whenPass, request: rendered.request };
}

function renderItems(action: StoredAction): { items: EvaluationItem[]; slots: Slot[] } {
  const items: EvaluationItem[] = [];
  const slots: Slot[] = [];
  items.push({ expr: action.url, kind: 'template-url' });
  slots.push({ where: 'url' });
  for (const [name, template] of Object.entries(action.headers ?? {})) {
    items.push({ expr: template, kind: 'template-header' });
    slots.push({ where: `headers.${name}`, headerName: name });
  }
  if (mapsBody(action)) {
    items.push({ expr: action.body!, kind: 'expression' });
    slots.push({ where: 'body' });
  }
  return { items, slots };
}

function mapsBody(action: StoredAction): boolean {
  return action.body !== null && action.body.trim() !== '';
}

function assembleRequest(
  action: StoredAction,
  ctx: RunContext,
  slots: Slot[],
  results: Awaited<ReturnType<typeof evaluateMany>>,
): RenderResult {
  for (let i = 0; i < results.length; i++) {
    const result = results[i];
    if (!result.ok) return { ok: false, error: toRenderError(slots[i].where, result.error) };
  }
  const values = results.map((r) => (r as { ok: true; value: unknown }).value);

  const url = values[0] as string;
  let body: Buffer | string | null = null;
  let contentType: string | null = null;
  if (mapsBody(action)) {
    const encoded = encodeBody(values[values.length - 1]);
    body = encoded.body;
    contentType = encoded.contentType;
  } else if (ctx.rawBody && ctx.rawBody.length > 0) {
    body = ctx.rawBody;
    contentType = ctx.contentType;
  }

  const headers: Record<string, string> = {};
  if (body !== null && contentType) headers['content-type'] = contentType;
  slots.forEach((slot, i) => {
    if (slot.headerName === undefined) return;
    setHeader(headers, slot.headerName, values[i] as string);
  });
  return { ok: true, request: { method: action.method, url, headers, body } };
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const existing of Object.keys(headers)) {
    if (existing.toLowerCase() === lower) delete headers[existing];
  }
  headers[name] = value;
}

function encodeBody(value: unknown): { body: string | null; contentType: string | null } {
  if (value === undefined) return { body: null, contentType: null };
  if (typeof value === 'string') return { body: value, contentType: 'text/plain; charset=utf-8' };
  // JSONata sequences and objects carry extra (non-enumerable) markers; JSON.stringify sees plain data.
  return { body: JSON.stringify(value), contentType: 'application/json' };
}

/** What a run reads of its event. */
export type EventRow = Pick<
  typeof events.$inferSelect,
  | 'id'
  | 'hookId'
  | 'source'
  | 'method'
  | 'query'
  | 'headers'
  | 'contentType'
  | 'bodyRaw'
  | 'bodyKind'
  | 'bodyParsed'
  | 'sourceIp'
  | 'receivedAt'
>;

function lowerCaseHeaders(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
  }
  return out;
}

export function eventBindingFromRow(row: EventRow): EventBinding {
  return {
    id: row.id,
    hookId: row.hookId,
    method: row.method,
    headers: lowerCaseHeaders(row.headers),
    query: row.query && typeof row.query === 'object' ? (row.query as Record<string, unknown>) : {},
    receivedAt: new Date(row.receivedAt).toISOString(),
    sourceIp: row.sourceIp,
    source: row.source,
  };
}

export function runContextFromEvent(
  row: EventRow,
  secrets: Record<string, string>,
  steps: StepBinding[],
): RunContext {
  const body = parsedBody(row);
  return {
    body,
    rawBody: row.bodyRaw ? asBuffer(row.bodyRaw) : null,
    contentType: row.contentType,
    event: eventBindingFromRow(row),
    secrets,
    steps,
    inputBytes: storedBodyBytes(row, body),
  };
}

/**
 * A stored body's size, as a rough bound of its parsed form (JSON, form fields and text are no larger than their
 * bytes; a binary body's base64 is 4/3 of them): the inline evaluation's time budget bounds the rest.
 */
function storedBodyBytes(row: EventRow, body: unknown): number | undefined {
  if (body === null || body === undefined) return 0;
  return row.bodyRaw?.byteLength;
}
