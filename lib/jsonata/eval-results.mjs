// What an evaluation returns, the same wherever it ran: in an eval thread (eval-worker.mjs) or, for a plain
// expression, on the calling thread (inline.ts). Plain JavaScript, like the worker that imports it by path.

/** Turns jsonata results (sequences, lambdas, native functions) into structured-clone-safe JSON-like values. */
export function toPlain(value) {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'object') return undefined; // functions, symbols, bigint
  if (value._jsonata_lambda || value._jsonata_function) return undefined;
  if (Array.isArray(value)) return Array.from(value, toPlain);
  const out = {};
  for (const key of Object.keys(value)) {
    const v = toPlain(value[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export function toError(err, timeoutMs) {
  if (err?.code === 'D1012') {
    // Same wording and code as the main thread's deadline kill: one kind of failure for users.
    const error = { message: `Expression took longer than ${timeoutMs} ms and was stopped`, code: 'TIMEOUT' };
    if (typeof err.position === 'number') error.position = err.position;
    return error;
  }
  const error = {
    message: typeof err?.message === 'string' && err.message ? err.message : String(err),
  };
  if (typeof err?.position === 'number') error.position = err.position;
  if (typeof err?.token === 'string') error.token = err.token;
  if (typeof err?.code === 'string') error.code = err.code;
  if (!error.code && err instanceof Error && err.name.startsWith('RE2JS')) error.code = 'REGEX';
  if (!error.code && err instanceof RangeError) error.code = 'RANGE';
  return error;
}

/** jsonata's limits, as the eval threads set them. */
// jsonata counts one level per AST node being evaluated (a user recursion costs about 3), so this
// allows ~300 levels of user recursion and stays far below what exhausts the worker's native stack.
export const MAX_DEPTH = 1000;
export const MAX_SEQUENCE = 1_000_000;
