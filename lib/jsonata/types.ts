export interface ExpressionError {
  message: string;
  /** jsonata's convention: the offset just after the offending token. */
  position?: number;
  token?: string;
  code?: string;
}

export interface Bindings {
  /** `$event`: {id, hookId, method, headers (lower-case), query, receivedAt, sourceIp, source}. */
  event?: unknown;
  /** `$secrets.NAME`: plaintext values. */
  secrets?: Record<string, string>;
  /** `$steps[i]`: {status, headers, body} of earlier actions in the run. */
  steps?: unknown[];
}

export type EvalResult<T = unknown> = { ok: true; value: T } | { ok: false; error: ExpressionError };

export interface EvaluateOptions {
  /** jsonata's own time box inside the worker; the worker is killed at timeoutMs + 500 ms. */
  timeoutMs?: number;
  /**
   * The input's stored size in bytes (a stored event's raw body), when the caller knows it: a small input lets plain
   * expressions be evaluated on the calling thread (lib/jsonata/inline.ts). It only roughly bounds the parsed form
   * (a binary body is base64, 4/3 larger); the inline time budget bounds the rest. Unknown: every expression goes
   * to the pool.
   */
  inputBytes?: number;
}

export type TemplateMode = 'url' | 'header' | 'text';

export type EvaluationKind = 'expression' | 'template-url' | 'template-header' | 'template-text';
