import { z } from 'zod';
import { ALERT_RULE_KINDS } from '@/lib/alerts/kinds';
import {
  alertListFilter,
  createChannelInput,
  updateChannelInput,
  updateRuleInput,
} from '@/lib/alerts/schema';
import { updateDestinationInput } from '@/lib/destinations/destinations';
import { listOf } from './responses';

// Alerts (notification center, channels, rules) and destinations (per-host controls): their request schemas are
// the ones lib/alerts and lib/destinations validate with; the response shapes are described here.

const isoTime = z.string().describe('ISO 8601 time');

export const alertResponse = z.object({
  id: z.string(),
  kind: z.enum(ALERT_RULE_KINDS),
  status: z.enum(['open', 'resolved']),
  title: z.string(),
  message: z.string(),
  link: z.string().nullable(),
  count: z.number().int(),
  automationId: z.string().nullable(),
  hookId: z.string().nullable(),
  host: z.string().nullable(),
  firstAt: isoTime,
  lastAt: isoTime,
  resolvedAt: isoTime.nullable(),
  read: z.boolean(),
});

export const alertReadInput = z.object({ read: z.boolean() }).strict();

export const channelResponse = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['webhook', 'email']),
  preset: z.enum(['slack', 'discord', 'json']).nullable(),
  target: z.string().describe("The email address, or only the webhook URL's host (the URL is write-only)"),
  enabled: z.boolean(),
  createdAt: isoTime,
});

export const ruleResponse = z.object({
  id: z.string(),
  kind: z.enum(ALERT_RULE_KINDS),
  enabled: z.boolean(),
  threshold: z.number().nullable(),
  minRuns: z.number().int().nullable(),
  windowMinutes: z.number().int(),
  mutedUntil: z.number().int().nullable().describe('Epoch milliseconds'),
});

export const destinationResponse = z.object({
  host: z.string(),
  volume24h: z.number().int(),
  successRate: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  circuit: z.enum(['closed', 'open']),
  openUntil: isoTime.nullable(),
  consecutiveFailures: z.number().int(),
  paused: z.boolean(),
  maxPerSecond: z.number().nullable(),
  maxConcurrency: z.number().int().nullable(),
  inFlight: z.number().int(),
  lastSuccessAt: isoTime.nullable(),
  lastFailureAt: isoTime.nullable(),
});

export const ALERT_SCHEMAS = {
  Alert: alertResponse,
  AlertList: listOf(alertResponse),
  AlertReadInput: alertReadInput,
  ReadAll: z.object({ updated: z.number().int() }),
  AlertListQuery: alertListFilter,
  ChannelInput: createChannelInput,
  ChannelPatch: updateChannelInput,
  Channel: channelResponse,
  ChannelList: listOf(channelResponse),
  ChannelTest: z.object({ ok: z.boolean(), message: z.string() }),
  RulePatch: updateRuleInput,
  Rule: ruleResponse,
  RuleList: listOf(ruleResponse),
  DestinationPatch: updateDestinationInput,
  Destination: destinationResponse,
  DestinationList: listOf(destinationResponse),
} satisfies Record<string, z.ZodType>;
