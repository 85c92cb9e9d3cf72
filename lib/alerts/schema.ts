import { z } from 'zod';
import { ALERT_RULE_KINDS } from './kinds';

export const ruleKind = z.enum(ALERT_RULE_KINDS);

export const updateRuleInput = z
  .object({
    enabled: z.boolean().optional(),
    threshold: z.number().int().min(1).max(100_000).nullable().optional(),
    minRuns: z.number().int().min(1).max(100_000).nullable().optional(),
    windowMinutes: z.number().int().min(1).max(1440).optional(),
    /** Mute for this many hours (0 unmutes). */
    muteHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 30)
      .optional(),
  })
  .strict();
export type UpdateRuleInput = z.infer<typeof updateRuleInput>;

const httpUrl = z
  .string()
  .trim()
  .url('Enter a full http(s) URL')
  .refine((u) => /^https?:\/\//i.test(u), 'Only http and https URLs are allowed');

export const createChannelInput = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('webhook'),
      name: z.string().trim().min(1, 'Name is required').max(100),
      url: httpUrl,
      preset: z.enum(['slack', 'discord', 'json']).default('json'),
      enabled: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('email'),
      name: z.string().trim().min(1, 'Name is required').max(100),
      to: z.string().trim().email('Enter an email address'),
      enabled: z.boolean().optional(),
    })
    .strict(),
]);
export type CreateChannelInput = z.infer<typeof createChannelInput>;

export const updateChannelInput = z
  .object({ name: z.string().trim().min(1).max(100).optional(), enabled: z.boolean().optional() })
  .strict();

export const alertListFilter = z.object({
  unread: z.enum(['1', 'true']).optional(),
  kind: ruleKind.optional(),
  status: z.enum(['open', 'resolved']).optional(),
  cursor: z.string().max(64).optional(),
});
export type AlertListFilter = z.infer<typeof alertListFilter>;
