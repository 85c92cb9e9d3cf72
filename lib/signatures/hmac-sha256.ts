import type { SignatureScheme } from './types';
import {
  fail,
  firstSecret,
  hmacSha256,
  matchSignatures,
  noSecrets,
  pass,
  readHeaderValues,
  splitList,
} from './verify-helpers';

export const DEFAULT_HMAC_HEADER = 'x-signature';

/** 'x-my-signature' → 'X-My-Signature', so messages read like what users see in their provider's docs. */
function displayName(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

export const hmacSha256Scheme: SignatureScheme = {
  verify(config, headers, rawBody) {
    const header = (config.header ?? DEFAULT_HMAC_HEADER).toLowerCase();
    const encoding = config.encoding ?? 'hex';
    const prefix = config.prefix ?? '';
    const label = `${displayName(header)} header`;

    const values = readHeaderValues(headers, header);
    if (values.length === 0) return fail('missing', `Missing ${displayName(header)} header`);
    if (config.secrets.length === 0) return noSecrets();

    const all = splitList(values);
    const candidates = all
      .filter((v) => v.toLowerCase().startsWith(prefix.toLowerCase()))
      .map((v) => v.slice(prefix.length));
    if (candidates.length === 0) return fail('malformed', `${label} does not start with "${prefix}"`);
    const expected = config.secrets.map((s) => hmacSha256(s, rawBody));
    return matchSignatures(candidates, encoding, expected, label) ?? pass('hmac-sha256');
  },

  sign(config, rawBody) {
    const header = (config.header ?? DEFAULT_HMAC_HEADER).toLowerCase();
    const signature = hmacSha256(firstSecret(config), rawBody).toString(config.encoding ?? 'hex');
    return { [header]: (config.prefix ?? '') + signature };
  },
};
