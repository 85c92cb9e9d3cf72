import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  DEFAULT_TOLERANCE_SECONDS,
  type Headers,
  type VerificationConfig,
  type VerificationScheme,
  type VerifyFailureReason,
  type VerifyResult,
} from './types';

export function fail(reason: VerifyFailureReason, message: string): VerifyResult {
  return { ok: false, reason, message };
}

export function pass(scheme: VerificationScheme): VerifyResult {
  return { ok: true, scheme };
}

/** Every value of a header; node:http gives arrays for some duplicated headers. */
export function readHeaderValues(headers: Headers, name: string): string[] {
  const lower = name.toLowerCase();
  let value = headers[lower];
  if (value === undefined) {
    // Callers are meant to pass lower-case names, but a mixed-case record must not bypass checks.
    const key = Object.keys(headers).find((k) => k.toLowerCase() === lower);
    value = key === undefined ? undefined : headers[key];
  }
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v.trim() !== '');
}

export function readHeader(headers: Headers, name: string): string | undefined {
  const values = readHeaderValues(headers, name);
  return values.length === 0 ? undefined : values.join(',');
}

/** Splits comma-separated signature lists, across duplicated headers too. */
export function splitList(values: string[], separator: string | RegExp = ','): string[] {
  return values
    .flatMap((v) => v.split(separator))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function hmacSha256(key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

const HEX_RE = /^[0-9a-f]+$/i;
const BASE64_RE = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Decodes a signature strictly; Buffer.from silently drops bad characters, which would hide typos. */
export function decodeSignature(value: string, encoding: 'hex' | 'base64'): Buffer | null {
  if (encoding === 'hex') {
    return HEX_RE.test(value) && value.length % 2 === 0 ? Buffer.from(value, 'hex') : null;
  }
  return BASE64_RE.test(value) ? Buffer.from(value, 'base64') : null;
}

const SHA256_BYTES = 32;

/**
 * Tries every candidate signature against every expected digest (one per secret), without
 * short-circuiting on the first match so timing does not reveal which secret matched.
 */
export function matchSignatures(
  candidates: string[],
  encoding: 'hex' | 'base64',
  expected: Buffer[],
  headerLabel: string,
): VerifyResult | null {
  const decoded = candidates.map((c) => decodeSignature(c, encoding));
  const wellFormed = decoded.filter((d): d is Buffer => d !== null && d.length === SHA256_BYTES);
  if (wellFormed.length === 0) {
    const shape = encoding === 'hex' ? '64 hex characters' : '44 base64 characters';
    return fail('malformed', `${headerLabel} does not contain a SHA-256 signature (expected ${shape})`);
  }
  let matched = false;
  for (const candidate of wellFormed) {
    for (const digest of expected) {
      if (timingSafeEqual(candidate, digest)) matched = true;
    }
  }
  if (matched) return null;
  return fail(
    'invalid',
    `No signature matched (checked ${plural(candidates.length, 'signature')} against ${plural(expected.length, 'secret')})`,
  );
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function toleranceOf(config: VerificationConfig): number {
  return config.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
}

/** Both directions: a timestamp far in the future is as suspicious as one far in the past. */
export function checkTimestamp(
  timestampSeconds: number,
  nowMs: number,
  toleranceSeconds: number,
): VerifyResult | null {
  const skew = Math.round(nowMs / 1000 - timestampSeconds);
  if (Math.abs(skew) <= toleranceSeconds) return null;
  const where = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
  return fail('stale', `Timestamp outside the ${toleranceSeconds} s tolerance (it is ${where})`);
}

const TIMESTAMP_RE = /^\d{1,12}$/;

export function parseTimestamp(value: string): number | null {
  const trimmed = value.trim();
  return TIMESTAMP_RE.test(trimmed) ? Number(trimmed) : null;
}

export function noSecrets(): VerifyResult {
  return fail('invalid', 'No signing secret is configured for this hook');
}

export function firstSecret(config: VerificationConfig): string {
  const secret = config.secrets[0];
  if (secret === undefined) throw new Error(`Cannot sign for scheme ${config.scheme}: no secret configured`);
  return secret;
}
