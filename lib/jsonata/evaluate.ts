import { checkExpression } from './compile';
import { shiftError } from './errors';
import { tryEvaluateInline } from './inline';
import { getJsonataPool } from './pool';
import { assembleTemplate, parseTemplate, type TemplatePart } from './templates';
import type { Bindings, EvalResult, EvaluateOptions, EvaluationKind, TemplateMode } from './types';

const DEFAULT_TIMEOUT_MS = 1000;
const MAX_TIMEOUT_MS = 60_000;

export interface EvaluationItem {
  /** The expression, or for template kinds the whole template text. */
  expr: string;
  kind: EvaluationKind;
}

type Plan =
  | { kind: 'failed'; result: EvalResult }
  | { kind: 'expression'; slot: number }
  | { kind: 'template'; mode: TemplateMode; parts: TemplatePart[]; slots: number[] };

/** Evaluates one JSONata expression in the worker pool, time-boxed. */
export async function evaluateExpression(
  expr: string,
  input: unknown,
  bindings?: Bindings,
  opts?: EvaluateOptions,
): Promise<EvalResult> {
  const [result] = await evaluateMany([{ expr, kind: 'expression' }], input, bindings, opts);
  return result;
}

/** Renders `literal {{ expr }}` text; in 'url' mode values are percent-encoded, in 'header' mode CR/LF are stripped. */
export async function renderTemplate(
  template: string,
  input: unknown,
  bindings: Bindings | undefined,
  mode: TemplateMode,
  opts?: EvaluateOptions,
): Promise<EvalResult<string>> {
  const [result] = await evaluateMany([{ expr: template, kind: `template-${mode}` }], input, bindings, opts);
  return result as EvalResult<string>;
}

/**
 * Evaluates several expressions and templates against one input in a single round-trip to the
 * pool. Invalid ones fail without reaching a worker; identical expression texts are evaluated once;
 * plain ones on this thread when the input is small enough (`opts.inputBytes`, lib/jsonata/inline.ts).
 */
export async function evaluateMany(
  items: EvaluationItem[],
  input: unknown,
  bindings: Bindings = {},
  opts: EvaluateOptions = {},
): Promise<EvalResult[]> {
  const exprs: string[] = [];
  const slotOf = new Map<string, number>();
  const addExpr = (expr: string): number => {
    let slot = slotOf.get(expr);
    if (slot === undefined) {
      slot = exprs.push(expr) - 1;
      slotOf.set(expr, slot);
    }
    return slot;
  };
  const plans = items.map((item) => planItem(item, addExpr));
  const values: EvalResult[] = [];
  const pooled: number[] = [];
  for (let i = 0; i < exprs.length; i++) {
    const inline = await tryEvaluateInline(exprs[i], input, bindings, opts.inputBytes);
    if (inline) values[i] = inline;
    else pooled.push(i);
  }
  if (pooled.length > 0) {
    const results = await getJsonataPool().run({
      exprs: pooled.map((i) => exprs[i]),
      input,
      bindings: { event: bindings.event, secrets: bindings.secrets, steps: bindings.steps },
      timeoutMs: clampTimeout(opts.timeoutMs),
    });
    pooled.forEach((slot, k) => (values[slot] = results[k]));
  }
  return plans.map((plan): EvalResult => {
    if (plan.kind === 'failed') return plan.result;
    if (plan.kind === 'expression') return values[plan.slot];
    return assembleTemplate(
      plan.parts,
      plan.slots.map((slot) => values[slot]),
      plan.mode,
    );
  });
}

function planItem(item: EvaluationItem, addExpr: (expr: string) => number): Plan {
  if (item.kind === 'expression') {
    const error = checkExpression(item.expr);
    return error
      ? { kind: 'failed', result: { ok: false, error } }
      : { kind: 'expression', slot: addExpr(item.expr) };
  }
  const mode = item.kind.slice('template-'.length) as TemplateMode;
  const parsed = parseTemplate(item.expr);
  if ('error' in parsed) return { kind: 'failed', result: { ok: false, error: parsed.error } };
  const slots: number[] = [];
  for (const part of parsed.parts) {
    if (part.kind !== 'expr') continue;
    const error = checkExpression(part.expr);
    if (error) return { kind: 'failed', result: { ok: false, error: shiftError(error, part.offset) } };
    slots.push(addExpr(part.expr));
  }
  return { kind: 'template', mode, parts: parsed.parts, slots };
}

function clampTimeout(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined || !Number.isFinite(timeoutMs)) return DEFAULT_TIMEOUT_MS;
  return Math.min(Math.max(Math.round(timeoutMs), 1), MAX_TIMEOUT_MS);
}
