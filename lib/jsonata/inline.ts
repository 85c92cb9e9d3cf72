import jsonata from 'jsonata';
import { MAX_DEPTH, MAX_SEQUENCE, toError, toPlain } from './eval-results.mjs';
import { LruCache } from './lru';
import type { Bindings, EvalResult } from './types';

// Plain expressions on the calling thread. A hop to an eval thread (lib/jsonata/pool.ts) costs the event loop more
// than evaluating `amount > 100` or `{"id": order.id}` itself, and most filters and mappings are no more than that.
// The eval threads exist because an expression can loop, recurse, backtrack a regex or build a huge value; a plain
// expression can do none of these. It is made only of literals, field paths, operators, conditions, object and
// array constructors and calls of a few built-in functions (FUNCTIONS below): no lambda, no regex, no $eval or
// $split, no predicate, wildcard or range, no variable but the input and $event/$secrets. Its work grows with its
// size times its input's, both bounded here; and should it still run past a few milliseconds, it is abandoned and
// evaluated again in the pool.

/** Largest input (as JSON text) evaluated inline; larger ones go to the pool whatever the expression. */
export const INLINE_MAX_INPUT_BYTES = 64 * 1024;
const MAX_NODES = 64;
/** jsonata's own time box for an inline evaluation; past it the expression is evaluated in the pool instead. */
const INLINE_BUDGET_MS = 5;
/**
 * Inline evaluations queued in one turn of the event loop run back to back, without a chance for I/O in between;
 * once they have taken this long, the rest of the turn's go to the pool.
 */
const TURN_BUDGET_MS = 5;
const OPTIONS = { timeout: INLINE_BUDGET_MS, stack: MAX_DEPTH, sequence: MAX_SEQUENCE };

// Keys a node may have, per type; a node with any other key (a predicate, a focus or index binding, a group, a
// flag a later jsonata adds) is not plain.
const NODE_KEYS: Record<string, Set<string>> = {
  string: new Set(['type', 'value', 'position']),
  number: new Set(['type', 'value', 'position']),
  value: new Set(['type', 'value', 'position']),
  name: new Set(['type', 'value', 'position']),
  variable: new Set(['type', 'value', 'position']),
  path: new Set(['type', 'steps']),
  binary: new Set(['type', 'value', 'position', 'lhs', 'rhs']),
  unary: new Set(['type', 'value', 'position', 'expression', 'expressions', 'lhs']),
  condition: new Set(['type', 'position', 'condition', 'then', 'else']),
  block: new Set(['type', 'position', 'expressions']),
  // A call (its `name` is always undefined); a partial application (`$f(?, 1)`) is a node of type 'partial'.
  function: new Set(['type', 'name', 'value', 'position', 'arguments', 'procedure']),
};
// Not `..` (a range can be any length) nor `in` (compares every pair).
const BINARY_OPERATORS = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '&',
  'and',
  'or',
]);
const UNARY_OPERATORS = new Set(['-', '[', '{']);
// '' is $ (the input), '$' is $$ (the root input). $steps is left out: earlier actions' response bodies are
// not bounded by the input's size.
const VARIABLES = new Set(['', '$', 'event', 'secrets']);

type Node = Record<string, unknown> & { type?: unknown; value?: unknown };

interface Builtin {
  /** The most arguments a call may pass; with fewer, jsonata takes the first from the context or reports it. */
  maxArgs: number;
  /** Its output can be a few times the size of its arguments: it may not call another such function in them. */
  grows?: true;
  /** A further condition on the arguments (already plain). */
  accepts?: (args: Node[]) => boolean;
}

// The built-in functions a plain expression may call. Each works in time linear in its arguments' size, takes
// no function, regex or picture string, and returns at most a few times their size. Nested, such factors would
// multiply (`$string([$string([...])])` doubles every backslash each time), hence `grows`: one per path from the
// root. A name means the built-in here as in the pool: a plain expression binds nothing (no `:=`, no lambda),
// evaluateTimed binds only event, secrets and steps, and the eval threads replace only $eval and $split.
// Left out: $pad and $formatNumber, $formatBase, $formatInteger, $parseInteger (widths and pictures: output out
// of proportion to the input); $match, $replace, $split (regexes, result sizes); $map, $filter, $reduce, $sort,
// $each, $sift, $single (functions as arguments); $distinct (compares every pair); $random, $shuffle (no result
// to compare with the pool's); $eval (refused), $error, $assert (fail by design); $spread, $merge, $zip,
// $reverse, $clone (linear, but rare in filters and mappings: left to the pool until one is wanted here).
const FUNCTIONS = new Map<string, Builtin>([
  // A number in, a number out, in constant time. $number tests patterns that cannot backtrack far;
  // $round shifts the exponent of a short numeric string; $power's infinite results are errors.
  ...each(['number', 'abs', 'floor', 'ceil', 'sqrt'], { maxArgs: 1 }),
  ...each(['round', 'power'], { maxArgs: 2 }),
  // One pass over an array of numbers. ($max and $min spread it onto the stack: see evaluateTimed.)
  ...each(['count', 'sum', 'average', 'max', 'min'], { maxArgs: 1 }),
  // One pass over a string, the result no longer; a substring search is linear in V8.
  ...each(['length', 'trim', 'base64decode', 'decodeUrl', 'decodeUrlComponent'], { maxArgs: 1 }),
  ...each(['substringBefore', 'substringAfter'], { maxArgs: 2 }),
  ['substring', { maxArgs: 3 }],
  // A string pattern only: a regex literal is no plain node, and a pattern computed from the input is left to
  // the pool as well. Both arguments given, or the first would come from the context.
  ['contains', { maxArgs: 2, accepts: (args) => args.length === 2 && args[1].type === 'string' }],
  // The separator is repeated once per item: a short literal, or none.
  ['join', { maxArgs: 2, accepts: (args) => args.length < 2 || isShortString(args[1]) }],
  // One pass over a string or value, the result a few times longer: up to three characters for one in a case
  // mapping ('ΐ' → 'Ϊ́'), 4/3 in base64, nine in a URL ('€' → '%E2%82%AC'), six in JSON (a control character
  // escaped). $string takes no prettify argument: its indentation is repeated on every line, as deep as the nesting.
  ...each(['uppercase', 'lowercase', 'base64encode', 'encodeUrl', 'encodeUrlComponent', 'string'], {
    maxArgs: 1,
    grows: true,
  }),
  // Any value: constant time, or one pass over it ($boolean, $not, $keys, $lookup recurse into nested arrays:
  // see evaluateTimed). $append concatenates, sharing the items.
  ...each(['exists', 'type', 'boolean', 'not', 'keys'], { maxArgs: 1 }),
  ...each(['lookup', 'append'], { maxArgs: 2 }),
  // ISO 8601 only: a picture's width modifiers pad a component to any width, and parsing one builds a regex.
  // $toMillis then tries one anchored pattern and Date.parse.
  ...each(['now', 'millis'], { maxArgs: 0 }),
  ...each(['fromMillis', 'toMillis'], { maxArgs: 1 }),
]);
const MAX_SEPARATOR = 8;

function each(names: string[], builtin: Builtin): [string, Builtin][] {
  return names.map((name) => [name, builtin]);
}

function isShortString(node: Node): boolean {
  return node.type === 'string' && typeof node.value === 'string' && node.value.length <= MAX_SEPARATOR;
}

/** Whether `ast` is a plain expression (see above). */
export function isPlainExpression(ast: unknown): boolean {
  let nodes = 0;
  let inGrowing = false; // within the arguments of a call whose output can outgrow them
  const plain = (node: unknown, step: 'first' | 'later' | null): boolean => {
    if (++nodes > MAX_NODES || typeof node !== 'object' || node === null || Array.isArray(node)) return false;
    const n = node as Node;
    const keys = NODE_KEYS[n.type as string];
    if (!keys || Object.keys(n).some((k) => !keys.has(k))) return false;
    // A path step after the first is a field name: anything else (a block, $$, a constructor) is evaluated once
    // per item of the step before, and could reach the whole input each time.
    if (step === 'later' && n.type !== 'name') return false;
    switch (n.type) {
      case 'string':
      case 'number':
      case 'value':
      case 'name':
        return true;
      case 'variable':
        return VARIABLES.has(n.value as string);
      case 'path': {
        const steps = n.steps;
        return (
          Array.isArray(steps) &&
          steps.length > 0 &&
          steps.every((s, i) => plain(s, i === 0 ? 'first' : 'later'))
        );
      }
      case 'binary':
        return BINARY_OPERATORS.has(n.value as string) && plain(n.lhs, null) && plain(n.rhs, null);
      case 'unary':
        if (!UNARY_OPERATORS.has(n.value as string)) return false;
        if (n.value === '-') return plain(n.expression, null);
        if (n.value === '[')
          return Array.isArray(n.expressions) && n.expressions.every((e) => plain(e, null));
        return (
          Array.isArray(n.lhs) &&
          n.lhs.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((e) => plain(e, null)))
        );
      case 'condition':
        return (
          plain(n.condition, null) && plain(n.then, null) && (n.else === undefined || plain(n.else, null))
        );
      case 'block':
        return Array.isArray(n.expressions) && n.expressions.every((e) => plain(e, null));
      case 'function': {
        const procedure = n.procedure as Node;
        const builtin =
          n.value === '(' && n.name === undefined && isCallable(procedure)
            ? FUNCTIONS.get(procedure.value)
            : undefined;
        const args = n.arguments;
        if (!builtin || ++nodes > MAX_NODES || !Array.isArray(args) || args.length > builtin.maxArgs)
          return false;
        if (builtin.grows && inGrowing) return false;
        inGrowing ||= builtin.grows === true;
        const argsPlain =
          args.every((a) => plain(a, null)) && (!builtin.accepts || builtin.accepts(args as Node[]));
        if (builtin.grows) inGrowing = false;
        return argsPlain;
      }
      default:
        return false;
    }
  };
  return plain(ast, null);
}

/** A variable node naming a function: `$name` with nothing else attached. */
function isCallable(node: unknown): node is Node & { value: string } {
  if (typeof node !== 'object' || node === null) return false;
  const n = node as Node;
  return (
    n.type === 'variable' &&
    typeof n.value === 'string' &&
    Object.keys(n).every((k) => NODE_KEYS.variable.has(k))
  );
}

// Compiled plain expressions by text; null = not plain (or not valid: the pool reports why).
const cache = new LruCache<string, jsonata.Expression | null>(500);

function compilePlain(expr: string): jsonata.Expression | null {
  let compiled = cache.get(expr);
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    const expression = jsonata(expr, OPTIONS);
    if (isPlainExpression(expression.ast())) compiled = expression;
  } catch {
    /* a syntax error: the caller has checked already, and the pool gives the error */
  }
  cache.set(expr, compiled);
  return compiled;
}

// One inline evaluation at a time. jsonata's time box counts from the start of an evaluation, and evaluations
// started together (a claim starts dozens of deliveries at once) would otherwise interleave their steps, each
// counting the others' time as its own.
let queue: Promise<unknown> = Promise.resolve();

let spentThisTurn = 0;
let turnEnding = false;

/**
 * Evaluates a plain expression here, with the same result or error an eval thread would give; null (the caller
 * evaluates it in the pool then) when it is not plain, its input is too large or an array, or it ran past its
 * budget, or the turn's inline evaluations past theirs.
 */
export function tryEvaluateInline(
  expr: string,
  input: unknown,
  bindings: Bindings,
  inputBytes: number | undefined,
): Promise<EvalResult | null> {
  // An array input makes every object constructor group over its items: not bounded the same way.
  if (inputBytes === undefined || inputBytes > INLINE_MAX_INPUT_BYTES || Array.isArray(input)) {
    return Promise.resolve(null);
  }
  const expression = compilePlain(expr);
  if (!expression) return Promise.resolve(null);
  const result = queue.then(() => evaluateNow(expression, input, bindings));
  queue = result.catch(() => null);
  return result;
}

async function evaluateNow(
  expression: jsonata.Expression,
  input: unknown,
  bindings: Bindings,
): Promise<EvalResult | null> {
  if (spentThisTurn >= TURN_BUDGET_MS) return null;
  const started = performance.now();
  try {
    return await evaluateTimed(expression, input, bindings);
  } finally {
    spentThisTurn += performance.now() - started;
    if (!turnEnding) {
      turnEnding = true;
      // After the poll phase: I/O has had its turn.
      setImmediate(() => {
        spentThisTurn = 0;
        turnEnding = false;
      });
    }
  }
}

async function evaluateTimed(
  expression: jsonata.Expression,
  input: unknown,
  bindings: Bindings,
): Promise<EvalResult | null> {
  try {
    const value: unknown = await expression.evaluate(input, {
      event: bindings.event,
      secrets: bindings.secrets ?? {},
      steps: bindings.steps ?? [],
    });
    return { ok: true, value: toPlain(value) };
  } catch (err) {
    // Past the budget; or a RangeError, as when this thread's stack, smaller than an eval thread's (pool.ts
    // WORKER_LIMITS), overflows where theirs would not: in $string, $boolean, $keys or $lookup of a deeply nested
    // input, $max or $min of a long array, or toPlain. The pool has the say then.
    if ((err as { code?: unknown } | null)?.code === 'D1012' || err instanceof RangeError) return null;
    return { ok: false, error: toError(err) };
  }
}
