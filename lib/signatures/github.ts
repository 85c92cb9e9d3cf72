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

const HEADER = 'x-hub-signature-256';
const PREFIX = 'sha256=';

export const githubScheme: SignatureScheme = {
  verify(config, headers, rawBody) {
    const values = readHeaderValues(headers, HEADER);
    if (values.length === 0) {
      const legacy = readHeaderValues(headers, 'x-hub-signature').length > 0;
      return fail(
        'missing',
        legacy
          ? 'Missing X-Hub-Signature-256 header (the SHA-1 X-Hub-Signature header is not accepted)'
          : 'Missing X-Hub-Signature-256 header',
      );
    }
    if (config.secrets.length === 0) return noSecrets();
    const candidates = splitList(values).map((v) =>
      v.toLowerCase().startsWith(PREFIX) ? v.slice(PREFIX.length) : v,
    );
    const expected = config.secrets.map((s) => hmacSha256(s, rawBody));
    return matchSignatures(candidates, 'hex', expected, 'X-Hub-Signature-256 header') ?? pass('github');
  },

  sign(config, rawBody) {
    return { [HEADER]: PREFIX + hmacSha256(firstSecret(config), rawBody).toString('hex') };
  },
};
