import { parseContentType } from './content-type';
import { addField, type FieldMap } from './fields';
import { parseMultipart } from './multipart';

export type BodyKind = 'json' | 'form' | 'multipart' | 'text' | 'binary' | 'empty';

/**
 * value: parsed JSON / form fields object / multipart {fields, files:[{field, filename, contentType, size}]}
 * / text string / base64 string / null
 */
export type ParsedBody = { kind: BodyKind; value: unknown };

export class BodyParseError extends Error {
  override name = 'BodyParseError';
}

const MAX_ERROR_DETAIL = 200;

export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

function isTextMime(mime: string): boolean {
  return mime.startsWith('text/') || mime === 'application/xml' || mime.endsWith('+xml');
}

/** Turns a received body into the value automations see as `$`; the raw bytes are kept elsewhere. */
export function parseBody(contentType: string | undefined, raw: Buffer): ParsedBody {
  if (raw.length === 0) return { kind: 'empty', value: null };
  const { mime, params } = parseContentType(contentType);

  if (isJsonMime(mime)) return { kind: 'json', value: parseJson(raw) };
  if (mime === 'application/x-www-form-urlencoded') return { kind: 'form', value: parseForm(raw) };
  if (mime === 'multipart/form-data') {
    // A malformed multipart body is still stored and delivered; it just falls through to text/binary.
    const multipart = parseMultipart(raw, params['boundary'] ?? '');
    if (multipart !== null) return { kind: 'multipart', value: multipart };
  }
  if (isTextMime(mime)) return { kind: 'text', value: decodeText(raw, params['charset']) };
  const text = decodeStrictUtf8(raw);
  if (text !== null && !text.includes('\0')) return { kind: 'text', value: text };
  return { kind: 'binary', value: raw.toString('base64') };
}

function parseJson(raw: Buffer): unknown {
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new BodyParseError(`Body is not valid JSON: ${detail.slice(0, MAX_ERROR_DETAIL)}`);
  }
}

function parseForm(raw: Buffer): FieldMap {
  const fields: FieldMap = {};
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) addField(fields, key, value);
  return fields;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeStrictUtf8(raw: Buffer): string | null {
  try {
    return strictUtf8.decode(raw);
  } catch {
    return null;
  }
}

function decodeText(raw: Buffer, charset: string | undefined): string {
  if (charset !== undefined) {
    try {
      return new TextDecoder(charset).decode(raw);
    } catch {
      // Unknown charset label: UTF-8 with replacement characters is the most useful fallback.
    }
  }
  return raw.toString('utf8');
}
