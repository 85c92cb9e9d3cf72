// What run history stores must not leak credentials, whichever way a secret was spelled into a request.

export const REDACTED = '••••';

const SENSITIVE_HEADERS = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'proxy-authorization',
  'x-api-key',
]);
const SENSITIVE_NAME_PARTS = ['token', 'secret', 'password', 'api-key', 'apikey'];

export function isSensitiveHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SENSITIVE_HEADERS.has(lower) || SENSITIVE_NAME_PARTS.some((part) => lower.includes(part));
}

/** Copy of `h` with credential-bearing header values replaced by '••••' (names keep their case). */
export function redactHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(h)) out[name] = isSensitiveHeader(name) ? REDACTED : value;
  return out;
}

/**
 * Deep copy of `value` with every occurrence of a secret (≥ 4 characters) inside strings masked,
 * including its JSON-escaped and percent-encoded spellings. Object keys are masked too.
 */
export function maskSecretValues<T>(value: T, secretValues: string[]): T {
  const needles = spellings(secretValues);
  if (needles.length === 0) return value;
  const maskString = (s: string) => needles.reduce((acc, needle) => acc.split(needle).join(REDACTED), s);
  const seen = new WeakMap<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskString(v);
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return seen.get(v);
    if (Array.isArray(v)) {
      const copy: unknown[] = [];
      seen.set(v, copy);
      for (const item of v) copy.push(walk(item));
      return copy;
    }
    if (!isPlainObject(v)) return v;
    const copy: Record<string, unknown> = {};
    seen.set(v, copy);
    for (const [key, item] of Object.entries(v)) copy[maskString(key)] = walk(item);
    return copy;
  };
  return walk(value) as T;
}

function spellings(secrets: string[]): string[] {
  const all = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < 4) continue;
    const percent = encodeURIComponent(secret);
    all.add(secret);
    all.add(JSON.stringify(secret).slice(1, -1));
    all.add(percent);
    all.add(percent.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    all.add(percent.replace(/%20/g, '+')); // application/x-www-form-urlencoded
  }
  // Longest first, so a secret containing another is masked whole.
  return [...all].sort((a, b) => b.length - a.length);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
