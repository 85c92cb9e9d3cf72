import jsonata from 'jsonata';
import { RE2JS } from 're2js';
import { toExpressionError } from './errors';
import { LruCache } from './lru';
import type { ExpressionError } from './types';

const MAX_EXPRESSION_LENGTH = 64 * 1024;

// Cached by expression text: automations are validated on every save and checked again before
// every evaluation, and the same few expressions come back all the time.
const cache = new LruCache<string, ExpressionError | null>(500);
const stats = { compiles: 0, hits: 0 };

export function getCompileStats(): { compiles: number; hits: number; size: number } {
  return { ...stats, size: cache.size };
}

export function clearCompileCache(): void {
  cache.clear();
  stats.compiles = 0;
  stats.hits = 0;
}

/**
 * Save-time validation: syntax, refusal of $eval (the one function that evaluates strings as
 * code), and regex literals that the worker's linear-time engine (re2js) cannot run.
 */
export function checkExpression(expr: string): ExpressionError | null {
  const cached = cache.get(expr);
  if (cached !== undefined) {
    stats.hits++;
    return cached;
  }
  stats.compiles++;
  const result = compileAndInspect(expr);
  cache.set(expr, result);
  return result;
}

function compileAndInspect(expr: string): ExpressionError | null {
  if (expr.length > MAX_EXPRESSION_LENGTH) {
    return { message: `Expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, code: 'TOO_LONG' };
  }
  if (expr.trim() === '') return { message: 'Expression is empty', position: 0, code: 'EMPTY' };
  let ast: jsonata.ExprNode;
  try {
    ast = jsonata(expr).ast();
  } catch (err) {
    return toExpressionError(err);
  }
  return findForbiddenNode(ast);
}

interface AstNode {
  type?: unknown;
  value?: unknown;
  position?: unknown;
}

// Walks every nested object rather than the known AST fields, so a node kind added by a later
// jsonata release cannot hide an $eval from the check.
function findForbiddenNode(root: unknown): ExpressionError | null {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || node instanceof RegExp || seen.has(node)) continue;
    seen.add(node);
    const error = inspectNode(node as AstNode);
    if (error) return error;
    for (const child of Object.values(node)) stack.push(child);
  }
  return null;
}

function inspectNode(node: AstNode): ExpressionError | null {
  const position = typeof node.position === 'number' ? node.position : undefined;
  if (node.type === 'variable' && node.value === 'eval') {
    return {
      message: '$eval is not allowed: expressions cannot evaluate strings as code',
      position,
      token: 'eval',
      code: 'EVAL_REFUSED',
    };
  }
  if (node.type === 'regex' && node.value instanceof RegExp) {
    try {
      RE2JS.compile(RE2JS.translateRegExp(node.value.source));
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      return { message: `Unsupported regular expression (${detail})`, position, code: 'REGEX' };
    }
  }
  return null;
}
