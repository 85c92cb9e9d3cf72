import { githubScheme } from './github';
import { hmacSha256Scheme } from './hmac-sha256';
import { shopifyScheme } from './shopify';
import { slackScheme } from './slack';
import { standardWebhooksScheme } from './standard-webhooks';
import { stripeScheme } from './stripe';
import type { Headers, SignatureScheme, VerificationConfig, VerificationScheme, VerifyResult } from './types';

export type {
  Headers,
  SignatureScheme,
  VerificationConfig,
  VerificationScheme,
  VerifyFailureReason,
  VerifyResult,
} from './types';
export { DEFAULT_TOLERANCE_SECONDS } from './types';
export { signStandardWebhooks, decodeStandardWebhooksSecret } from './standard-webhooks';

const noneScheme: SignatureScheme = {
  verify: () => ({ ok: true, scheme: 'none' }),
  sign: () => ({}),
};

const SCHEMES: Record<VerificationScheme, SignatureScheme> = {
  none: noneScheme,
  'hmac-sha256': hmacSha256Scheme,
  stripe: stripeScheme,
  github: githubScheme,
  shopify: shopifyScheme,
  slack: slackScheme,
  'standard-webhooks': standardWebhooksScheme,
};

export const VERIFICATION_SCHEMES = Object.keys(SCHEMES) as VerificationScheme[];

// A config read from the database may hold an unknown scheme; it must fail closed, not crash.
function findScheme(config: VerificationConfig): SignatureScheme | undefined {
  return Object.hasOwn(SCHEMES, config.scheme) ? SCHEMES[config.scheme] : undefined;
}

/** Checks a received request against the hook's scheme; any configured secret may match. */
export function verifySignature(
  config: VerificationConfig,
  headers: Headers,
  rawBody: Buffer,
  nowMs: number = Date.now(),
): VerifyResult {
  const scheme = findScheme(config);
  if (scheme === undefined) {
    return {
      ok: false,
      reason: 'invalid',
      message: `Unknown verification scheme "${String(config.scheme)}"`,
    };
  }
  return scheme.verify(config, headers, rawBody, nowMs);
}

/** The headers a provider would send for this body, signed with the first secret. */
export function signRequest(
  config: VerificationConfig,
  rawBody: Buffer,
  nowMs: number = Date.now(),
): Record<string, string> {
  const scheme = findScheme(config);
  if (scheme === undefined) throw new Error(`Unknown verification scheme "${String(config.scheme)}"`);
  return scheme.sign(config, rawBody, nowMs);
}
