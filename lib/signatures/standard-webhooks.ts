import { createHmac, randomBytes } from 'node:crypto';
import type { Headers, SignatureScheme } from './types';
import {
  checkTimestamp,
  fail,
  firstSecret,
  matchSignatures,
  noSecrets,
  parseTimestamp,
  pass,
  readHeaderValues,
  splitList,
  toleranceOf,
} from './verify-helpers';

// Standard Webhooks secrets are base64 keys, conventionally shown with a `whsec_` prefix.
export function decodeStandardWebhooksSecret(secret: string): Buffer {
  const stripped = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  return Buffer.from(stripped, 'base64');
}

function digest(key: Buffer, msgId: string, timestamp: string, body: Buffer | string): Buffer {
  const mac = createHmac('sha256', key);
  mac.update(`${msgId}.${timestamp}.`);
  mac.update(body);
  return mac.digest();
}

/** Signs `${msgId}.${timestamp}.${body}`; returns 'v1,<base64>' for the `webhook-signature` header. */
export function signStandardWebhooks(
  secret: string,
  msgId: string,
  timestampSeconds: number,
  body: Buffer | string,
): string {
  const key = decodeStandardWebhooksSecret(secret);
  return `v1,${digest(key, msgId, String(timestampSeconds), body).toString('base64')}`;
}

/** Svix sends the same scheme under `svix-*` names; accept them so Svix-backed providers work too. */
function readStandardHeader(headers: Headers, name: 'id' | 'timestamp' | 'signature'): string[] {
  const standard = readHeaderValues(headers, `webhook-${name}`);
  return standard.length > 0 ? standard : readHeaderValues(headers, `svix-${name}`);
}

export const standardWebhooksScheme: SignatureScheme = {
  verify(config, headers, rawBody, nowMs) {
    const msgId = readStandardHeader(headers, 'id').join(',').trim();
    const timestamp = readStandardHeader(headers, 'timestamp').join(',').trim();
    const signatures = readStandardHeader(headers, 'signature');
    if (signatures.length === 0) return fail('missing', 'Missing Webhook-Signature header');
    if (msgId === '') return fail('missing', 'Missing Webhook-Id header');
    if (timestamp === '') return fail('missing', 'Missing Webhook-Timestamp header');
    const seconds = parseTimestamp(timestamp);
    if (seconds === null)
      return fail('malformed', 'Webhook-Timestamp header is not a Unix timestamp in seconds');
    if (config.secrets.length === 0) return noSecrets();

    // Entries are `<version>,<signature>` separated by spaces; only v1 (HMAC-SHA256) is ours to check.
    const candidates = splitList(signatures, /\s+/)
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => entry.slice(3));
    if (candidates.length === 0)
      return fail('malformed', 'Webhook-Signature header has no v1,<signature> entry');
    const expected = config.secrets.map((s) =>
      digest(decodeStandardWebhooksSecret(s), msgId, timestamp, rawBody),
    );
    return (
      matchSignatures(candidates, 'base64', expected, 'Webhook-Signature header') ??
      checkTimestamp(seconds, nowMs, toleranceOf(config)) ??
      pass('standard-webhooks')
    );
  },

  sign(config, rawBody, nowMs) {
    const msgId = `msg_${randomBytes(12).toString('hex')}`;
    const timestamp = Math.floor(nowMs / 1000);
    return {
      'webhook-id': msgId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhooks(firstSecret(config), msgId, timestamp, rawBody),
    };
  },
};
