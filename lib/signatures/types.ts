export type VerificationScheme =
  'none' | 'hmac-sha256' | 'stripe' | 'github' | 'shopify' | 'slack' | 'standard-webhooks';

export interface VerificationConfig {
  scheme: VerificationScheme;
  /** 1 or 2 active plaintext secrets (rotation): a signature valid for ANY secret passes. */
  secrets: string[];
  /** hmac-sha256 only: header name (default 'x-signature'). */
  header?: string;
  /** hmac-sha256 only (default hex). */
  encoding?: 'hex' | 'base64';
  /** hmac-sha256 only, e.g. 'sha256=' (default ''). */
  prefix?: string;
  /** stripe/slack/standard-webhooks timestamp tolerance (default 300). */
  toleranceSeconds?: number;
}

/** Lower-case header names, as node:http gives them. */
export type Headers = Record<string, string | string[] | undefined>;

export type VerifyFailureReason = 'missing' | 'invalid' | 'stale' | 'malformed';

export type VerifyResult =
  { ok: true; scheme: VerificationScheme } | { ok: false; reason: VerifyFailureReason; message: string };

/** What every scheme file implements; index.ts dispatches on `config.scheme`. */
export interface SignatureScheme {
  verify(config: VerificationConfig, headers: Headers, rawBody: Buffer, nowMs: number): VerifyResult;
  /** Headers the provider would send, signed with the first (newest) secret. */
  sign(config: VerificationConfig, rawBody: Buffer, nowMs: number): Record<string, string>;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;
