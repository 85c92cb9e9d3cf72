import { checkExpression } from './compile';
import { shiftError } from './errors';
import type { EvalResult, ExpressionError, TemplateMode } from './types';

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; expr: string; offset: number };

/**
 * Splits `literal {{ expr }} literal` into parts. The closing `}}` is found by scanning the
 * expression (strings, backtick names, comments and nested braces), so `{{ {"a": {"b": 1}} }}` works.
 */
export function parseTemplate(template: string): { parts: TemplatePart[] } | { error: ExpressionError } {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  while (cursor < template.length) {
    const open = template.indexOf('{{', cursor);
    if (open === -1) break;
    if (open > cursor) parts.push({ kind: 'text', text: template.slice(cursor, open) });
    const start = open + 2;
    const close = findPlaceholderEnd(template, start);
    if (close === -1) {
      return {
        error: {
          message: 'Placeholder "{{" is never closed with "}}"',
          position: start,
          token: '{{',
          code: 'TEMPLATE',
        },
      };
    }
    const expr = template.slice(start, close);
    if (expr.trim() === '') {
      return {
        error: {
          message: 'Placeholder "{{ }}" is empty',
          position: close + 2,
          token: '}}',
          code: 'TEMPLATE',
        },
      };
    }
    parts.push({ kind: 'expr', expr, offset: start });
    cursor = close + 2;
  }
  if (cursor < template.length) parts.push({ kind: 'text', text: template.slice(cursor) });
  return { parts };
}

function findPlaceholderEnd(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipQuoted(s, i, c);
    } else if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      if (end === -1) return -1;
      i = end + 1;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth === 0 && s[i + 1] === '}') return i;
      if (depth > 0) depth--;
    }
  }
  return -1;
}

function skipQuoted(s: string, start: number, quote: string): number {
  for (let i = start + 1; i < s.length; i++) {
    if (s[i] === '\\' && quote !== '`') i++;
    else if (s[i] === quote) return i;
  }
  return s.length;
}

/** Save-time check of a template; positions are relative to the whole template string. */
export function checkTemplate(template: string): ExpressionError | null {
  const parsed = parseTemplate(template);
  if ('error' in parsed) return parsed.error;
  for (const part of parsed.parts) {
    if (part.kind !== 'expr') continue;
    const error = checkExpression(part.expr);
    if (error) return shiftError(error, part.offset);
  }
  return null;
}

/** Joins literal parts with evaluated placeholder values; the first failing placeholder fails the template. */
export function assembleTemplate(
  parts: TemplatePart[],
  values: EvalResult[],
  mode: TemplateMode,
): EvalResult<string> {
  let out = '';
  let v = 0;
  for (const part of parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    const result = values[v++];
    if (!result.ok) return { ok: false, error: shiftError(result.error, part.offset) };
    const text = stringifyValue(result.value);
    // Encoded so a value cannot leave its path segment or query parameter (no "/", "?", "&", "#").
    out += mode === 'url' ? encodeURIComponent(text) : text;
  }
  // Header values: a CR/LF (or NUL) would let a value inject another header or be refused by the client.
  return { ok: true, value: mode === 'header' ? out.replace(/[\r\n\0]/g, '') : out };
}

/** undefined and null render as '', strings as-is, objects and arrays as JSON. */
export function stringifyValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
