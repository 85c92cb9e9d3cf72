import type { ExpressionError } from './types';

export function createTimeoutError(timeoutMs: number): ExpressionError {
  return { message: `Expression took longer than ${timeoutMs} ms and was stopped`, code: 'TIMEOUT' };
}

/** Normalises whatever jsonata (or a JS engine error) threw into an ExpressionError. */
export function toExpressionError(err: unknown): ExpressionError {
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  const e = err as { message?: unknown; position?: unknown; token?: unknown; code?: unknown };
  const error: ExpressionError = {
    message: typeof e.message === 'string' && e.message ? e.message : 'Invalid expression',
  };
  if (typeof e.position === 'number') error.position = e.position;
  if (typeof e.token === 'string') error.token = e.token;
  if (typeof e.code === 'string') error.code = e.code;
  return error;
}

/** Moves an error found inside a template placeholder to its place in the whole template. */
export function shiftError(error: ExpressionError, offset: number): ExpressionError {
  return error.position === undefined ? error : { ...error, position: error.position + offset };
}
