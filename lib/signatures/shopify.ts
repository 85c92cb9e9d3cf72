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

const HEADER = 'x-shopify-hmac-sha256';

export const shopifyScheme: SignatureScheme = {
  verify(config, headers, rawBody) {
    const values = readHeaderValues(headers, HEADER);
    if (values.length === 0) return fail('missing', 'Missing X-Shopify-Hmac-Sha256 header');
    if (config.secrets.length === 0) return noSecrets();
    const expected = config.secrets.map((s) => hmacSha256(s, rawBody));
    return (
      matchSignatures(splitList(values), 'base64', expected, 'X-Shopify-Hmac-Sha256 header') ??
      pass('shopify')
    );
  },

  sign(config, rawBody) {
    return { [HEADER]: hmacSha256(firstSecret(config), rawBody).toString('base64') };
  },
};
