import { z } from 'zod';

// Shapes of a hook's JSON settings columns: validated at the API boundary and again when read.

export const VERIFICATION_SCHEMES = [
  'none',
  'hmac-sha256',
  'stripe',
  'github',
  'shopify',
  'slack',
  'standard-webhooks',
] as const;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_RATE_LIMIT = { perSecond: 100, burst: 200 };

/** As stored: secrets encrypted (lib/crypto/encryption), 0–2 of them (two while rotating). */
export const storedVerification = z.object({
  scheme: z.enum(VERIFICATION_SCHEMES),
  secrets: z.array(z.string()).max(2).default([]),
  header: z.string().optional(),
  encoding: z.enum(['hex', 'base64']).optional(),
  prefix: z.string().optional(),
  toleranceSeconds: z.number().int().positive().optional(),
});
export type StoredVerification = z.infer<typeof storedVerification>;

export const rateLimitSetting = z
  .object({
    perSecond: z.number().positive().max(100_000),
    burst: z.number().int().positive().max(1_000_000),
  })
  .nullable();
export type RateLimitSetting = z.infer<typeof rateLimitSetting>;

export const dedupeSetting = z.object({ expression: z.string().min(1) }).nullable();

export const responseSetting = z
  .object({
    status: z.number().int().min(200).max(299),
    contentType: z.string().min(1).max(200).default('application/json'),
    // `{{id}}` in the body is replaced with the event id.
    body: z.string().max(10_000).default(''),
  })
  .nullable();
export type ResponseSetting = z.infer<typeof responseSetting>;
