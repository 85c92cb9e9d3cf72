import { z } from 'zod';
import { validateIpAllowEntry } from '@/lib/ingest/ip-allow';
import { checkExpression } from '@/lib/jsonata';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_RATE_LIMIT,
  HTTP_METHODS,
  VERIFICATION_SCHEMES,
  rateLimitSetting,
  responseSetting,
} from './settings';

// API input of a hook (DESIGN.md, stable surface). Secrets arrive in plaintext here and are encrypted by
// lib/hooks/hooks.ts before they are stored; they are never part of any output shape.

export const MAX_BODY_BYTES_LIMIT = 25 * 1024 * 1024;
export const MAX_ALLOWED_IPS = 200;

const secretText = z
  .string()
  .min(1, 'Secret cannot be empty')
  .max(1_000, 'Secret is longer than 1000 characters')
  .refine((s) => s.trim() === s, 'Secret cannot start or end with spaces');

// Header names are HTTP tokens; lower-cased because ingest compares against node's lower-case header names.
const headerName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'Not a valid header name')
  .transform((s) => s.toLowerCase());

export const verificationInput = z
  .object({
    scheme: z.enum(VERIFICATION_SCHEMES, {
      error: `Unknown scheme: use one of ${VERIFICATION_SCHEMES.join(', ')}`,
    }),
    secret: secretText.optional(),
    // A second active secret (rotation): a signature valid for either passes. null removes it.
    secondarySecret: secretText.nullable().optional(),
    // With a new `secret`: keep the current one active as the second secret while the provider switches over.
    keepCurrentSecret: z.boolean().optional(),
    header: headerName.optional(),
    encoding: z.enum(['hex', 'base64']).optional(),
    prefix: z.string().max(50).optional(),
    toleranceSeconds: z.number().int().min(1).max(86_400).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.scheme !== 'standard-webhooks') return;
    for (const key of ['secret', 'secondarySecret'] as const) {
      const s = v[key];
      if (s && !isStandardWebhooksSecret(s)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'A Standard Webhooks secret looks like whsec_ followed by base64',
        });
      }
    }
  });
export type VerificationInput = z.infer<typeof verificationInput>;

function isStandardWebhooksSecret(s: string): boolean {
  const body = s.startsWith('whsec_') ? s.slice(6) : s;
  return body.length >= 16 && /^[A-Za-z0-9+/]+={0,2}$/.test(body);
}

const allowedMethods = z
  .array(z.enum(HTTP_METHODS, { error: `Use one of ${HTTP_METHODS.join(', ')}` }))
  .min(1, 'Allow at least one method')
  .transform((list) => [...new Set(list)]);

const allowedIps = z
  .array(z.string().max(100))
  .max(MAX_ALLOWED_IPS, `At most ${MAX_ALLOWED_IPS} entries`)
  .superRefine((list, ctx) => {
    list.forEach((entry, i) => {
      const message = validateIpAllowEntry(entry);
      if (message) ctx.addIssue({ code: 'custom', path: [i], message });
    });
  })
  .transform((list) => list.map((s) => s.trim()));

const maxBodyBytes = z
  .number()
  .int('Must be a whole number of bytes')
  .min(1, 'Must be at least 1 byte')
  .max(MAX_BODY_BYTES_LIMIT, `Must be at most ${MAX_BODY_BYTES_LIMIT} bytes (25 MiB)`);

const dedupe = z
  .object({ expression: z.string().trim().min(1, 'Expression is empty').max(10_000) })
  .superRefine((v, ctx) => {
    const error = checkExpression(v.expression);
    if (error) {
      const where = error.position !== undefined ? ` (at ${error.position})` : '';
      ctx.addIssue({ code: 'custom', path: ['expression'], message: `${error.message}${where}` });
    }
  })
  .nullable();

const name = z.string().trim().min(1, 'Name is required').max(100, 'Name is at most 100 characters');

export const createHookInput = z.object({
  name,
  verification: verificationInput.optional(),
  allowedMethods: allowedMethods.default(['POST']),
  allowedIps: allowedIps.default([]),
  maxBodyBytes: maxBodyBytes.default(DEFAULT_MAX_BODY_BYTES),
  rateLimit: rateLimitSetting.default(DEFAULT_RATE_LIMIT),
  dedupe: dedupe.default(null),
  response: responseSetting.default(null),
  enabled: z.boolean().default(true),
});
export type CreateHookInput = z.infer<typeof createHookInput>;

// PATCH: every field optional; an absent field keeps its stored value.
export const updateHookInput = z.object({
  name: name.optional(),
  verification: verificationInput.optional(),
  allowedMethods: allowedMethods.optional(),
  allowedIps: allowedIps.optional(),
  maxBodyBytes: maxBodyBytes.optional(),
  rateLimit: rateLimitSetting.optional(),
  dedupe: dedupe.optional(),
  response: responseSetting.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateHookInput = z.infer<typeof updateHookInput>;
