import type { z } from 'zod';
import { automationInput } from '@/lib/automations/definition';
import { previewInput } from '@/lib/automations/preview';
import { listEventsQuery } from '@/lib/events/events';
import { createHookInput, updateHookInput } from '@/lib/hooks/schema';
import { runListQuery } from '@/lib/runs/query';
import { ALERT_SCHEMAS } from './operations-alerts';
import { createSecretInput, replaceSecretInput } from '@/lib/secrets/secrets';
import {
  automationResponse,
  eventDetailResponse,
  eventSummaryResponse,
  hookResponse,
  listOf,
  meResponse,
  previewErrorResponse,
  previewResponse,
  replayResponse,
  retryResponse,
  runDetailResponse,
  runListItemResponse,
  secretResponse,
} from './responses';

// Every /api/v1 operation, with the zod schemas its route validates with. lib/openapi/document.ts turns this
// table into the OpenAPI document; the tests check it covers every route file and that its examples validate.

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

export interface Operation {
  method: HttpMethod;
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** Query parameters: each key of the object is one parameter. */
  query?: z.ZodObject;
  body?: { name: string; schema: z.ZodType; example: unknown };
  /** Status → response; `schema: null` means no body (204). */
  responses: Record<number, { description: string; name?: string; schema: z.ZodType | null }>;
  public?: boolean;
}

/** Named schemas: each becomes components/schemas/<name>. */
export const NAMED_SCHEMAS = {
  HookInput: createHookInput,
  HookPatch: updateHookInput,
  Hook: hookResponse,
  HookList: listOf(hookResponse),
  AutomationInput: automationInput,
  AutomationPatch: automationInput.partial(),
  Automation: automationResponse,
  AutomationList: listOf(automationResponse),
  SecretInput: createSecretInput,
  SecretValueInput: replaceSecretInput,
  Secret: secretResponse,
  SecretList: listOf(secretResponse),
  EventSummary: eventSummaryResponse,
  EventList: listOf(eventSummaryResponse),
  Event: eventDetailResponse,
  RunListItem: runListItemResponse,
  RunList: listOf(runListItemResponse),
  Run: runDetailResponse,
  PreviewInput: previewInput,
  PreviewResult: previewResponse,
  PreviewError: previewErrorResponse,
  Replay: replayResponse,
  Retry: retryResponse,
  Me: meResponse,
  ...ALERT_SCHEMAS,
} satisfies Record<string, z.ZodType>;

type Named = keyof typeof NAMED_SCHEMAS;
const named = (name: Named) => ({ name, schema: NAMED_SCHEMAS[name] as z.ZodType });
const ok = (name: Named, description = 'OK') => ({ description, ...named(name) });
const noContent = { description: 'Deleted', schema: null };

const hookExample = {
  name: 'Stripe payments',
  verification: { scheme: 'stripe', secret: 'whsec_example_signing_secret', toleranceSeconds: 300 },
  allowedMethods: ['POST'],
  maxBodyBytes: 1048576,
  rateLimit: { perSecond: 100, burst: 200 },
  dedupe: { expression: 'id' },
};

const automationExample = {
  name: 'Paid orders to Slack',
  enabled: true,
  trigger: { type: 'webhook', hookId: 'hook_01hzy8k3d5x0v2m7q9r4t6w8y0' },
  filter: 'type = "payment_intent.succeeded"',
  actions: [
    {
      name: 'Post to Slack',
      method: 'POST',
      url: 'https://hooks.slack.com/services/{{ $secrets.SLACK_PATH }}',
      headers: { 'Content-Type': 'application/json' },
      body: '{"text": "Payment of " & $string(data.object.amount / 100) & " " & data.object.currency}',
      timeoutMs: 10000,
      retry: { maxAttempts: 5 },
    },
  ],
};

const idParam = 'id';

export const OPERATIONS: Operation[] = [
  // hooks
  {
    method: 'post',
    path: '/api/v1/hooks',
    operationId: 'createHook',
    tag: 'hooks',
    summary: 'Create a hook (an incoming endpoint /h/<token>)',
    description: 'Verification secrets are write-only: no response ever contains them.',
    body: { ...named('HookInput'), example: hookExample },
    responses: { 201: ok('Hook', 'Created') },
  },
  {
    method: 'get',
    path: '/api/v1/hooks',
    operationId: 'listHooks',
    tag: 'hooks',
    summary: 'List hooks, newest first',
    responses: { 200: ok('HookList') },
  },
  {
    method: 'get',
    path: `/api/v1/hooks/{${idParam}}`,
    operationId: 'getHook',
    tag: 'hooks',
    summary: 'Get a hook',
    responses: { 200: ok('Hook') },
  },
  {
    method: 'patch',
    path: `/api/v1/hooks/{${idParam}}`,
    operationId: 'updateHook',
    tag: 'hooks',
    summary: 'Change a hook; absent fields keep their value',
    description:
      'A new `verification.secret` with `keepCurrentSecret: true` keeps the old secret valid while the provider switches over.',
    body: { ...named('HookPatch'), example: { enabled: false, rateLimit: null } },
    responses: { 200: ok('Hook') },
  },
  {
    method: 'delete',
    path: `/api/v1/hooks/{${idParam}}`,
    operationId: 'deleteHook',
    tag: 'hooks',
    summary: 'Delete a hook (its URL answers 404 from then on)',
    responses: { 204: noContent },
  },
  {
    method: 'post',
    path: `/api/v1/hooks/{${idParam}}/regenerate-token`,
    operationId: 'regenerateHookToken',
    tag: 'hooks',
    summary: 'Give the hook a new URL; the old one answers 404',
    responses: { 200: ok('Hook') },
  },
  // events
  {
    method: 'get',
    path: '/api/v1/events',
    operationId: 'listEvents',
    tag: 'events',
    summary: 'List received events (metadata only), newest first',
    query: listEventsQuery,
    responses: { 200: ok('EventList') },
  },
  {
    method: 'get',
    path: `/api/v1/events/{${idParam}}`,
    operationId: 'getEvent',
    tag: 'events',
    summary: 'Get an event with its headers, body and signature result',
    responses: { 200: ok('Event') },
  },
  {
    method: 'post',
    path: `/api/v1/events/{${idParam}}/replay`,
    operationId: 'replayEvent',
    tag: 'events',
    summary: 'New runs for the event, one per enabled automation on its hook',
    responses: { 202: ok('Replay', 'Runs queued') },
  },
  // automations
  {
    method: 'post',
    path: '/api/v1/automations',
    operationId: 'createAutomation',
    tag: 'automations',
    summary: 'Create an automation (trigger + filter + actions)',
    description:
      'Expressions are JSONata; URL and header templates take `{{ expr }}` placeholders. `body: null` forwards the received body unchanged. `$secrets.NAME` must name an existing secret.',
    body: { ...named('AutomationInput'), example: automationExample },
    responses: { 201: ok('Automation', 'Created') },
  },
  {
    method: 'get',
    path: '/api/v1/automations',
    operationId: 'listAutomations',
    tag: 'automations',
    summary: 'List automations, newest first',
    responses: { 200: ok('AutomationList') },
  },
  {
    method: 'get',
    path: `/api/v1/automations/{${idParam}}`,
    operationId: 'getAutomation',
    tag: 'automations',
    summary: 'Get an automation',
    responses: { 200: ok('Automation') },
  },
  {
    method: 'patch',
    path: `/api/v1/automations/{${idParam}}`,
    operationId: 'updateAutomation',
    tag: 'automations',
    summary: 'Change an automation; every change of behaviour bumps its version',
    body: { ...named('AutomationPatch'), example: { enabled: false } },
    responses: { 200: ok('Automation') },
  },
  {
    method: 'delete',
    path: `/api/v1/automations/{${idParam}}`,
    operationId: 'deleteAutomation',
    tag: 'automations',
    summary: 'Delete an automation',
    responses: { 204: noContent },
  },
  // runs
  {
    method: 'get',
    path: '/api/v1/runs',
    operationId: 'listRuns',
    tag: 'runs',
    summary: 'List runs, newest first',
    description: '`from` and `to` also accept ISO 8601 dates.',
    query: runListQuery,
    responses: { 200: ok('RunList') },
  },
  {
    method: 'get',
    path: `/api/v1/runs/{${idParam}}`,
    operationId: 'getRun',
    tag: 'runs',
    summary: 'Get a run with its steps and every attempt (request and response)',
    responses: { 200: ok('Run') },
  },
  {
    method: 'post',
    path: `/api/v1/runs/{${idParam}}/retry`,
    operationId: 'retryRun',
    tag: 'runs',
    summary: 'Retry a failed run from the action that failed',
    responses: { 202: ok('Retry', 'Retry queued') },
  },
  // secrets
  {
    method: 'post',
    path: '/api/v1/secrets',
    operationId: 'createSecret',
    tag: 'secrets',
    summary: 'Create a secret, usable as $secrets.NAME',
    body: { ...named('SecretInput'), example: { name: 'SLACK_PATH', value: 'T000/B000/XXXXXXXX' } },
    responses: { 201: ok('Secret', 'Created') },
  },
  {
    method: 'get',
    path: '/api/v1/secrets',
    operationId: 'listSecrets',
    tag: 'secrets',
    summary: 'List secrets (names and times only; values are write-only)',
    responses: { 200: ok('SecretList') },
  },
  {
    method: 'patch',
    path: `/api/v1/secrets/{${idParam}}`,
    operationId: 'replaceSecretValue',
    tag: 'secrets',
    summary: "Replace a secret's value",
    body: { ...named('SecretValueInput'), example: { value: 'T000/B000/YYYYYYYY' } },
    responses: { 200: ok('Secret') },
  },
  {
    method: 'delete',
    path: `/api/v1/secrets/{${idParam}}`,
    operationId: 'deleteSecret',
    tag: 'secrets',
    summary: 'Delete a secret',
    responses: { 204: noContent },
  },
  // alerts
  {
    method: 'get',
    path: '/api/v1/alerts',
    operationId: 'listAlerts',
    tag: 'alerts',
    summary: 'List alerts (the notification center), newest first',
    query: ALERT_SCHEMAS.AlertListQuery,
    responses: { 200: ok('AlertList') },
  },
  {
    method: 'patch',
    path: `/api/v1/alerts/{${idParam}}`,
    operationId: 'markAlertRead',
    tag: 'alerts',
    summary: 'Mark an alert read or unread',
    body: { ...named('AlertReadInput'), example: { read: true } },
    responses: { 204: { description: 'Updated', schema: null } },
  },
  {
    method: 'post',
    path: '/api/v1/alerts/read-all',
    operationId: 'markAllAlertsRead',
    tag: 'alerts',
    summary: 'Mark every alert read',
    responses: { 200: ok('ReadAll') },
  },
  {
    method: 'post',
    path: '/api/v1/alerts/channels',
    operationId: 'createAlertChannel',
    tag: 'alerts',
    summary: 'Add a notification channel (webhook or email)',
    description: "A webhook channel's URL is write-only: responses show its host only.",
    body: {
      ...named('ChannelInput'),
      example: {
        type: 'webhook',
        name: 'Ops Slack',
        url: 'https://hooks.slack.com/services/T0/B0/X',
        preset: 'slack',
      },
    },
    responses: { 201: ok('Channel', 'Created') },
  },
  {
    method: 'get',
    path: '/api/v1/alerts/channels',
    operationId: 'listAlertChannels',
    tag: 'alerts',
    summary: 'List notification channels',
    responses: { 200: ok('ChannelList') },
  },
  {
    method: 'patch',
    path: `/api/v1/alerts/channels/{${idParam}}`,
    operationId: 'updateAlertChannel',
    tag: 'alerts',
    summary: 'Rename, enable or disable a channel',
    body: { ...named('ChannelPatch'), example: { enabled: false } },
    responses: { 200: ok('Channel') },
  },
  {
    method: 'delete',
    path: `/api/v1/alerts/channels/{${idParam}}`,
    operationId: 'deleteAlertChannel',
    tag: 'alerts',
    summary: 'Delete a channel',
    responses: { 204: noContent },
  },
  {
    method: 'post',
    path: `/api/v1/alerts/channels/{${idParam}}/test`,
    operationId: 'testAlertChannel',
    tag: 'alerts',
    summary: 'Send a test notice through a channel',
    responses: { 200: ok('ChannelTest') },
  },
  {
    method: 'get',
    path: '/api/v1/alerts/rules',
    operationId: 'listAlertRules',
    tag: 'alerts',
    summary: 'List alert rules (one per kind)',
    responses: { 200: ok('RuleList') },
  },
  {
    method: 'patch',
    path: '/api/v1/alerts/rules/{kind}',
    operationId: 'updateAlertRule',
    tag: 'alerts',
    summary: 'Change an alert rule; muteHours: 0 unmutes',
    body: { ...named('RulePatch'), example: { enabled: true, muteHours: 2 } },
    responses: { 200: ok('Rule') },
  },
  // destinations
  {
    method: 'get',
    path: '/api/v1/destinations',
    operationId: 'listDestinations',
    tag: 'destinations',
    summary: 'Hosts your actions call, with 24 h traffic, circuit state and limits',
    responses: { 200: ok('DestinationList') },
  },
  {
    method: 'get',
    path: '/api/v1/destinations/{host}',
    operationId: 'getDestination',
    tag: 'destinations',
    summary: 'One destination host (with its port when not the default)',
    responses: { 200: ok('Destination') },
  },
  {
    method: 'patch',
    path: '/api/v1/destinations/{host}',
    operationId: 'updateDestination',
    tag: 'destinations',
    summary: 'Pause or resume a destination, or set its rate and concurrency limits (null = none)',
    body: { ...named('DestinationPatch'), example: { maxPerSecond: 5, maxConcurrency: 2, paused: false } },
    responses: { 200: ok('Destination') },
  },
  // preview, me
  {
    method: 'post',
    path: '/api/v1/preview',
    operationId: 'previewExpression',
    tag: 'preview',
    summary: 'Evaluate a JSONata expression against an input',
    description: 'Your secrets are available as $secrets; their values are masked in the result.',
    body: {
      ...named('PreviewInput'),
      example: { expression: 'items[price > 10].name', input: { items: [{ name: 'a', price: 12 }] } },
    },
    responses: {
      200: ok('PreviewResult'),
      422: { description: 'The expression does not compile or fails', ...named('PreviewError') },
    },
  },
  {
    method: 'get',
    path: '/api/v1/me',
    operationId: 'getMe',
    tag: 'me',
    summary: 'The user the token belongs to',
    responses: { 200: ok('Me') },
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'meta',
    summary: 'This document (no token needed)',
    public: true,
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: null } },
  },
];
