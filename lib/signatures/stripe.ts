import type { SignatureScheme } from './types';
import {
  checkTimestamp,
  fail,
  firstSecret,
  hmacSha256,
  matchSignatures,
  noSecrets,
  parseTimestamp,
  pass,
  readHeader,
  splitList,
  toleranceOf,
} from './verify-helpers';

const HEADER = 'stripe-signature';
const LABEL = 'Stripe-Signature header';

// The key is the whole secret string including its `whsec_` prefix, as Stripe's libraries use it.
function digest(secret: string, timestamp: string, body: Buffer): Buffer {
  return hmacSha256(secret, `${timestamp}.`, body);
}

export const stripeScheme: SignatureScheme = {
  verify(config, headers, rawBody, nowMs) {
    const header = readHeader(headers, HEADER);
    if (header === undefined) return fail('missing', 'Missing Stripe-Signature header');
    if (config.secrets.length === 0) return noSecrets();

    let timestamp: string | undefined;
    const v1: string[] = [];
    for (const item of splitList([header])) {
      const eq = item.indexOf('=');
      if (eq < 0) continue;
      const key = item.slice(0, eq).trim();
      const value = item.slice(eq + 1).trim();
      if (key === 't' && timestamp === undefined) timestamp = value;
      // v0 entries are test-mode signatures with a different scheme; Stripe's own libraries ignore them.
      if (key === 'v1') v1.push(value);
    }
    const seconds = timestamp === undefined ? null : parseTimestamp(timestamp);
    if (timestamp === undefined || seconds === null) {
      return fail('malformed', `${LABEL} has no valid t=<timestamp> entry`);
    }
    if (v1.length === 0) return fail('malformed', `${LABEL} has no v1=<signature> entry`);

    const expected = config.secrets.map((s) => digest(s, timestamp, rawBody));
    return (
      matchSignatures(v1, 'hex', expected, LABEL) ??
      checkTimestamp(seconds, nowMs, toleranceOf(config)) ??
      pass('stripe')
    );
  },

  sign(config, rawBody, nowMs) {
    const t = String(Math.floor(nowMs / 1000));
    const v1 = digest(firstSecret(config), t, rawBody).toString('hex');
    return { [HEADER]: `t=${t},v1=${v1}` };
  },
};
