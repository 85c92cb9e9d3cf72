import { z } from 'zod';
import {
  actionInput,
  pollTrigger,
  scheduleTrigger,
  silenceTrigger,
  webhookTrigger,
} from '@/lib/automations/definition';
import { createHookInput } from '@/lib/hooks/schema';
import { VERIFICATION_SCHEMES } from '@/lib/hooks/settings';

// The export file: automations and the hooks they listen on, without a single secret. Hooks are referenced by a
// key local to the file (hook ids mean nothing in another installation); `$secrets.NAME` references stay as
// they are and must exist (by name) where the file is imported.

export const EXPORT_FORMAT_VERSION = 1;

const hookKey = z.string().trim().min(1).max(100);

/** A hook's verification without its secrets: `secretRequired` says one must be set after import. */
export const exportedVerification = z.object({
  scheme: z.enum(VERIFICATION_SCHEMES),
  header: z.string().max(100).optional(),
  encoding: z.enum(['hex', 'base64']).optional(),
  prefix: z.string().max(50).optional(),
  toleranceSeconds: z.number().int().min(1).max(86_400).optional(),
  secretRequired: z.boolean().optional(),
});

export const exportedHook = createHookInput
  .omit({ verification: true })
  .extend({ key: hookKey, verification: exportedVerification });
export type ExportedHook = z.input<typeof exportedHook>;

export const exportedTrigger = z.discriminatedUnion('type', [
  webhookTrigger.omit({ hookId: true }).extend({ hookKey }),
  scheduleTrigger,
  pollTrigger,
  silenceTrigger.omit({ hookId: true }).extend({ hookKey }),
]);
export type ExportedTrigger = z.infer<typeof exportedTrigger>;

/** An action without its signing secret; `signingSecretRequired` marks one that had it. */
export const exportedAction = actionInput
  .omit({ signingSecret: true })
  .extend({ signingSecretRequired: z.literal(true).optional() });

export const exportedAutomation = z.object({
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean().optional(),
  trigger: exportedTrigger,
  filter: z.string().max(20_000).nullable().optional(),
  actions: z.array(exportedAction).max(20),
});
export type ExportedAutomation = z.infer<typeof exportedAutomation>;

export const exportFile = z
  .object({
    hookline: z.literal(EXPORT_FORMAT_VERSION, { error: 'Not a Hookline export (expected "hookline": 1)' }),
    exportedAt: z.string().optional(),
    /** Names of the secrets the automations reference (informational; values are never exported). */
    secrets: z.array(z.string()).optional(),
    hooks: z.array(exportedHook).max(1_000).default([]),
    automations: z.array(exportedAutomation).max(1_000),
  })
  .superRefine((file, ctx) => {
    const keys = new Set<string>();
    file.hooks.forEach((h, i) => {
      if (keys.has(h.key))
        ctx.addIssue({ code: 'custom', path: ['hooks', i, 'key'], message: 'Duplicate key' });
      keys.add(h.key);
    });
    file.automations.forEach((a, i) => {
      const t = a.trigger;
      if ((t.type === 'webhook' || t.type === 'silence') && !keys.has(t.hookKey)) {
        ctx.addIssue({
          code: 'custom',
          path: ['automations', i, 'trigger', 'hookKey'],
          message: `No hook with key "${t.hookKey}" in the file`,
        });
      }
    });
  });
export type ExportFile = z.output<typeof exportFile>;

export const CONFLICT_CHOICES = ['skip', 'rename'] as const;
export type ConflictChoice = (typeof CONFLICT_CHOICES)[number];

export const importOptions = z.object({
  /** What to do with an automation (or hook) whose name is taken, unless `resolutions` says otherwise. */
  onConflict: z.enum(CONFLICT_CHOICES).default('skip'),
  /** Per item: automations by index in the file (`automation:0`), hooks by key (`hook:<key>`). */
  resolutions: z.record(z.string(), z.enum(CONFLICT_CHOICES)).default({}),
});
export type ImportOptions = z.input<typeof importOptions>;
