import { z } from 'zod';
import { RUN_STATUSES } from '@/db/schema';
import { ACTION_METHODS, trigger } from '@/lib/automations/definition';
import { EVENT_OUTCOMES } from '@/lib/events/events';
import { rateLimitSetting, responseSetting, VERIFICATION_SCHEMES } from '@/lib/hooks/settings';

// Response shapes of /api/v1, in zod so the OpenAPI document is generated from them. The integration test
// (test/integration/operate.test.ts) parses real responses with these, so a change to an API shape that is not
// made here too fails a test instead of drifting silently.

const id = z.string().describe('Time-sortable id; newest first when sorted descending');
const epochMs = z.number().int().describe('Epoch milliseconds');
const isoTime = z.string().describe('ISO 8601 time');

export const errorBody = z.object({
  error: z.object({
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional().describe('Per-field messages (dotted paths)'),
  }),
});

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as ?cursor= for the next page; null on the last page'),
  });
}

export const hookResponse = z.object({
  id,
  name: z.string(),
  url: z.string().describe('The full /h/<token> URL to give the provider'),
  enabled: z.boolean(),
  allowedMethods: z.array(z.string()),
  verification: z.object({
    scheme: z.enum(VERIFICATION_SCHEMES),
    header: z.string().optional(),
    encoding: z.enum(['hex', 'base64']).optional(),
    prefix: z.string().optional(),
    toleranceSeconds: z.number().int().optional(),
    secretCount: z.number().int().describe('0–2 active secrets; the secrets themselves are never returned'),
  }),
  allowedIps: z.array(z.string()),
  maxBodyBytes: z.number().int(),
  rateLimit: rateLimitSetting,
  dedupe: z.object({ expression: z.string() }).nullable(),
  response: responseSetting,
  lastEventAt: epochMs.nullable(),
  createdAt: epochMs,
  updatedAt: epochMs,
});

export const automationResponse = z.object({
  id,
  name: z.string(),
  enabled: z.boolean(),
  version: z
    .number()
    .int()
    .describe('Bumped on every change of behaviour; runs record the version they used'),
  trigger,
  filter: z.string().nullable(),
  actions: z.array(
    z.object({
      name: z.string(),
      method: z.enum(ACTION_METHODS),
      url: z.string(),
      headers: z.record(z.string(), z.string()),
      body: z.string().nullable(),
      when: z.string().nullable(),
      timeoutMs: z.number().int(),
      retry: z.object({ maxAttempts: z.number().int() }),
      hasSigningSecret: z.boolean().describe('The signing secret itself is write-only'),
    }),
  ),
  createdAt: isoTime,
  updatedAt: isoTime,
  lastRun: z.object({ status: z.string(), createdAt: isoTime }).nullable().optional(),
});

export const secretResponse = z.object({
  id,
  name: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
  lastUsedAt: isoTime.nullable(),
});

const runStatus = z.enum(RUN_STATUSES);
const eventRun = z.object({ id, automationId: z.string(), status: runStatus });

export const eventSummaryResponse = z.object({
  id,
  hookId: z.string().nullable(),
  source: z.enum(['webhook', 'poll', 'schedule', 'silence', 'test']),
  outcome: z.enum(EVENT_OUTCOMES),
  rejectStatus: z.number().int().nullable(),
  rejectReason: z.string().nullable(),
  method: z.string(),
  contentType: z.string().nullable(),
  size: z.number().int(),
  sourceIp: z.string().nullable(),
  verification: z.string().nullable(),
  duplicateOf: z.string().nullable(),
  receivedAt: epochMs,
  runs: z.array(eventRun),
});

export const eventDetailResponse = eventSummaryResponse.extend({
  path: z.string(),
  query: z.record(z.string(), z.unknown()),
  headers: z
    .record(z.string(), z.union([z.string(), z.array(z.string())]))
    .describe('Lower-case names; credentials redacted'),
  body: z.object({
    kind: z.string(),
    parsed: z.unknown(),
    raw: z.string().nullable().describe('The exact bytes: UTF-8 text, or base64 (see encoding)'),
    encoding: z.enum(['utf8', 'base64']),
  }),
  dedupeKey: z.string().nullable(),
});

export const runListItemResponse = z.object({
  id,
  automationId: z.string(),
  automationName: z.string().nullable(),
  automationVersion: z.number().int(),
  eventId: z.string(),
  eventReceivedAt: epochMs.nullable(),
  hookId: z.string().nullable(),
  hookName: z.string().nullable(),
  triggerType: z.string(),
  status: runStatus,
  filterResult: z.boolean().nullable(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  replayOf: z.string().nullable(),
  createdAt: epochMs,
  startedAt: epochMs.nullable(),
  finishedAt: epochMs.nullable(),
  durationMs: z.number().int().nullable(),
});

const recordedRequest = z.object({
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().nullable(),
});

export const runDetailResponse = z.object({
  id,
  automationId: z.string(),
  automationVersion: z.number().int(),
  eventId: z.string(),
  status: runStatus,
  error: z.string().nullable(),
  createdAt: epochMs,
  finishedAt: epochMs.nullable(),
  steps: z.array(
    z.object({
      action: z.string(),
      status: z.enum(['pending', 'running', 'retrying', 'succeeded', 'failed', 'skipped']),
      error: z.string().nullable(),
      attempts: z.array(
        z.object({
          n: z.number().int(),
          startedAt: epochMs,
          durationMs: z.number(),
          request: recordedRequest,
          response: z
            .object({ status: z.number().int(), headers: z.record(z.string(), z.string()), body: z.string() })
            .nullable(),
          error: z.string().nullable(),
          nextRetryAt: epochMs.nullable(),
        }),
      ),
    }),
  ),
  automationName: z.string().nullable(),
  hookId: z.string().nullable(),
  triggerType: z.string(),
  filterResult: z.boolean().nullable(),
  attemptCount: z.number().int(),
  replayOf: z.string().nullable(),
  startedAt: epochMs.nullable(),
});

export const meResponse = z.object({
  id,
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(['admin', 'member']),
});

export const previewResponse = z.object({ result: z.unknown() });
export const previewErrorResponse = z.object({
  error: z.object({ message: z.string(), position: z.number().int().optional() }),
});
export const replayResponse = z.object({ runIds: z.array(z.string()) });
export const retryResponse = z.object({ id: z.string(), status: z.literal('retrying') });
