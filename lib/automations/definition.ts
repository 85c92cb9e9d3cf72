import { z } from 'zod';

// The shape of an automation (DESIGN.md, stable surface). Expressions are compiled and checked for $eval by
// lib/automations (save-time validation); here only the structure is checked.

export const ACTION_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const DEFAULT_ACTION_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_ATTEMPTS = 8;
export const MIN_POLL_INTERVAL_SECONDS = 5;
export const MIN_SILENCE_SECONDS = 60;

/**
 * Smallest poll interval / silence period. HOOKLINE_TEST_FAST_TRIGGERS=1 (tests only) lowers both to 1 s so the
 * trigger tests need not wait minutes; read at validation time, so a test server's env is enough.
 */
export function minimumTriggerSeconds(kind: 'poll' | 'silence'): number {
  if (process.env.HOOKLINE_TEST_FAST_TRIGGERS === '1') return 1;
  return kind === 'poll' ? MIN_POLL_INTERVAL_SECONDS : MIN_SILENCE_SECONDS;
}

function atLeast(kind: 'poll' | 'silence', field: string) {
  return z
    .number()
    .int()
    .min(1, `${field} must be at least 1`)
    .superRefine((value, ctx) => {
      const min = minimumTriggerSeconds(kind);
      if (value < min) ctx.addIssue({ code: 'custom', message: `${field} must be at least ${min}` });
    });
}

const expression = z.string().trim().min(1).max(20_000);
const headerList = z.record(z.string().min(1).max(200), z.string().max(8_000));

export const webhookTrigger = z.object({ type: z.literal('webhook'), hookId: z.string().min(1) });
export const scheduleTrigger = z.object({
  type: z.literal('schedule'),
  cron: z.string().trim().min(1),
  timezone: z.string().trim().optional(),
});
export const pollTrigger = z.object({
  type: z.literal('poll'),
  url: z.string().trim().min(1),
  method: z.enum(['GET', 'POST']).optional(),
  headers: headerList.optional(),
  intervalSeconds: atLeast('poll', 'intervalSeconds'),
  items: expression,
  key: expression,
});
export const silenceTrigger = z.object({
  type: z.literal('silence'),
  hookId: z.string().min(1),
  afterSeconds: atLeast('silence', 'afterSeconds'),
});

export const trigger = z.discriminatedUnion('type', [
  webhookTrigger,
  scheduleTrigger,
  pollTrigger,
  silenceTrigger,
]);
export type Trigger = z.infer<typeof trigger>;

export const actionInput = z.object({
  name: z.string().trim().max(100).optional(),
  method: z.enum(ACTION_METHODS),
  url: z.string().trim().min(1).max(8_000),
  headers: headerList.optional(),
  // null/absent: forward the received body unchanged, byte for byte, with its content type.
  body: z.string().max(50_000).nullable().optional(),
  when: z.string().trim().max(20_000).nullable().optional(),
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
  retry: z.object({ maxAttempts: z.number().int().min(1).max(20) }).optional(),
  // Standard Webhooks signing secret (whsec_…). Write-only: never returned.
  signingSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'signingSecret must look like whsec_<base64>')
    .nullable()
    .optional(),
});
export type ActionInput = z.infer<typeof actionInput>;

export const automationInput = z.object({
  name: z.string().trim().min(1, 'Name is required').max(100),
  enabled: z.boolean().optional(),
  trigger,
  filter: z.string().trim().max(20_000).nullable().optional(),
  actions: z.array(actionInput).max(20),
});
export type AutomationInput = z.infer<typeof automationInput>;

/** An action as stored in automations.actions: defaults applied, signing secret encrypted. */
export const storedAction = z.object({
  name: z.string(),
  method: z.enum(ACTION_METHODS),
  url: z.string(),
  headers: headerList.default({}),
  body: z.string().nullable().default(null),
  when: z.string().nullable().default(null),
  timeoutMs: z.number().int().default(DEFAULT_ACTION_TIMEOUT_MS),
  retry: z.object({ maxAttempts: z.number().int() }).default({ maxAttempts: DEFAULT_MAX_ATTEMPTS }),
  signingSecretEncrypted: z.string().nullable().default(null),
});
export type StoredAction = z.infer<typeof storedAction>;
export const storedActions = z.array(storedAction);
