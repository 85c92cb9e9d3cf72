import type Database from 'better-sqlite3';
import { eq, sql } from 'drizzle-orm';
import { getWorkerDbHandle, type Db } from '@/db/client';
import { events } from '@/db/schema';
import { storedActions, type StoredAction } from '@/lib/automations/definition';
import {
  evaluateFilter,
  renderActionIfDue,
  runContextFromEvent,
  type RenderedRequest,
  type StepBinding,
} from '@/lib/automations/render';
import { emitAlertSignal } from '@/lib/alerts/signals';
import { decrypt } from '@/lib/crypto/encryption';
import { destinationGate } from '@/lib/destinations/gate';
import { newId } from '@/lib/ids';
import { errorFields, logger } from '@/lib/log/logger';
import { recordAttempt } from '@/lib/metrics/registry';
import { loadSecretValues } from '@/lib/secrets/secrets';
import { recordDestinationFailure, recordDestinationSuccess } from './circuit';
import { sendRequest, type OutboundPolicy, type OutboundResult } from './http-client';
import { completeJob, extendLease, rescheduleJob, type Job } from './queue';
import { writeBatched } from './write-batch';
import { maskSecretValues, redactHeaders } from './redact';
import { nextRetryDelayMs, shouldRetry } from './retry-policy';
import { webhookHeaders } from './sign';

const RECORDED_BODY_LIMIT = 64 * 1024;

interface RunRow {
  id: string;
  user_id: string;
  automation_id: string;
  automation_version: number;
  event_id: string;
  status: string;
  filter_result: number | null;
}

interface StepRow {
  idx: number;
  status: string;
  result: string | null;
  attempt_base: number;
}

interface Definition {
  filter: string | null;
  actions: StoredAction[];
}

function prepare(sqlite: Database.Database, db: Db) {
  return {
    sqlite,
    run: sqlite.prepare(
      `select id, user_id, automation_id, automation_version, event_id, status, filter_result from runs where id = ?`,
    ),
    automation: sqlite.prepare(`select version, filter, actions from automations where id = ?`),
    version: sqlite.prepare(
      `select definition from automation_versions where automation_id = ? and version = ?`,
    ),
    event: db
      .select()
      .from(events)
      .where(eq(events.id, sql.placeholder('id')))
      .prepare(),
    steps: sqlite.prepare(
      `select idx, status, result, attempt_base from steps where run_id = ? order by idx`,
    ),
    maxAttempt: sqlite.prepare(`select max(n) as n from attempts where run_id = ? and step_index = ?`),
    start: sqlite.prepare(
      `update runs set status = 'running', started_at = coalesce(started_at, ?), filter_result = coalesce(?, filter_result)
       where id = ?`,
    ),
    finish: sqlite.prepare(
      `update runs set status = ?, error = ?, finished_at = ?, filter_result = coalesce(?, filter_result) where id = ?`,
    ),
    retrying: sqlite.prepare(`update runs set status = 'retrying', error = ? where id = ?`),
    // 410 Gone (Standard Webhooks: the endpoint is gone for good) disables the whole automation, with an alert.
    disable: sqlite.prepare(
      `update automations set enabled = 0, updated_at = ? where id = ? and enabled = 1`,
    ),
    countAttempt: sqlite.prepare(`update runs set attempt_count = attempt_count + 1 where id = ?`),
    attempt: sqlite.prepare(
      `insert into attempts (id, run_id, step_index, n, started_at, duration_ms, host, request, response, error, next_retry_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    step: sqlite.prepare(
      `insert into steps (id, run_id, idx, action_name, status, request, result, error, started_at, finished_at)
       values (@id, @runId, @idx, @name, @status, @request, @result, @error, @startedAt, @finishedAt)
       on conflict (run_id, idx) do update set status = excluded.status, request = coalesce(excluded.request, request),
         result = coalesce(excluded.result, result), error = excluded.error, finished_at = excluded.finished_at`,
    ),
  };
}

let cached: ReturnType<typeof prepare> | null = null;
function stmts() {
  const { sqlite, db } = getWorkerDbHandle();
  if (cached?.sqlite !== sqlite) cached = prepare(sqlite, db);
  return cached;
}

export function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase() || null;
  } catch {
    return null;
  }
}

/** The automation as it was at the run's version (history stays truthful after edits). */
// A saved version never changes (every edit bumps it), so its parsed form can be kept.
const definitions = new Map<string, Definition>();

function loadDefinition(s: ReturnType<typeof stmts>, run: RunRow): Definition | null {
  const key = `${run.automation_id}:${run.automation_version}`;
  const cached = definitions.get(key);
  if (cached) return cached;
  const parsed = parseDefinition(s, run);
  if (parsed) {
    if (definitions.size >= 1000) definitions.clear();
    definitions.set(key, parsed);
  }
  return parsed;
}

function parseDefinition(s: ReturnType<typeof stmts>, run: RunRow): Definition | null {
  const current = s.automation.get(run.automation_id) as
    { version: number; filter: string | null; actions: string } | undefined;
  if (!current) return null;
  let source: { filter?: unknown; actions?: unknown } = {
    filter: current.filter,
    actions: JSON.parse(current.actions),
  };
  if (current.version !== run.automation_version) {
    const v = s.version.get(run.automation_id, run.automation_version) as { definition: string } | undefined;
    if (v) source = JSON.parse(v.definition) as typeof source;
  }
  const actions = storedActions.safeParse(source.actions);
  if (!actions.success) return null;
  return { filter: typeof source.filter === 'string' ? source.filter : null, actions: actions.data };
}

// Decrypted secrets per user for a second: a burst of runs reads and decrypts them once, and an edited secret is
// used within a second.
const secretCache = new Map<string, { at: number; values: Record<string, string> }>();

function userSecrets(userId: string): Record<string, string> {
  const now = Date.now();
  const hit = secretCache.get(userId);
  if (hit && now - hit.at < 1000) return hit.values;
  const values = loadSecretValues(userId);
  if (secretCache.size >= 1000) secretCache.clear();
  secretCache.set(userId, { at: now, values });
  return values;
}

function truncate(text: string): string {
  return text.length > RECORDED_BODY_LIMIT ? `${text.slice(0, RECORDED_BODY_LIMIT)}…[truncated]` : text;
}

function recordedRequest(req: RenderedRequest, secretValues: string[]) {
  const body = req.body === null ? null : Buffer.isBuffer(req.body) ? req.body.toString('utf8') : req.body;
  return maskSecretValues(
    {
      method: req.method,
      url: req.url,
      headers: redactHeaders(req.headers),
      body: body === null ? null : truncate(body),
    },
    secretValues,
  );
}

function responseBinding(result: OutboundResult): StepBinding {
  const r = result.response;
  if (!r) return { status: null, headers: {}, body: null };
  let body: unknown = r.body;
  if (r.bodyEncoding === 'utf8' && /json/i.test(r.headers['content-type'] ?? '') && !r.bodyTruncated) {
    try {
      body = JSON.parse(r.body);
    } catch {
      /* keep the text */
    }
  }
  return { status: r.status, headers: r.headers, body };
}

function describeFailure(result: OutboundResult): string {
  if (result.error) return result.error.message;
  return `Destination answered ${result.response?.status}`;
}

const EMPTY_STEP: StepBinding = { status: null, headers: {}, body: null };

/**
 * Executes one claim of a run job: the filter (first time), then the actions in order from the first unfinished
 * one. A retryable failure records the attempt and reschedules the job; the next claim resumes at that action.
 * Progress is written on the worker's connection (synchronous=NORMAL; at least once covers a lost write).
 */
export async function executeRunJob(
  job: Job,
  options: { leaseMs: number; policy?: OutboundPolicy },
): Promise<void> {
  const s = stmts();
  const { sqlite } = s;
  const now = () => Date.now();
  const run = s.run.get(job.runId) as RunRow | undefined;
  if (!run || ['succeeded', 'failed', 'filtered'].includes(run.status)) {
    await writeBatched(sqlite, () => completeJob(sqlite, job));
    return;
  }
  /** Inside a batched write: completes the job and records the run's outcome, unless the lease was lost. */
  const finishInBatch = (
    status: 'succeeded' | 'failed' | 'filtered',
    error: string | null,
    filterResult?: boolean,
  ): boolean => {
    if (!completeJob(sqlite, job)) return false; // lease lost: another worker owns the job now
    s.finish.run(status, error, now(), filterResult === undefined ? null : filterResult ? 1 : 0, run.id);
    return true;
  };
  const announceFinished = (status: 'succeeded' | 'failed' | 'filtered', error: string | null) =>
    emitAlertSignal({
      kind: 'run_finished',
      userId: run.user_id,
      runId: run.id,
      automationId: run.automation_id,
      status,
      error,
    });
  const finishRun = async (
    status: 'succeeded' | 'failed' | 'filtered',
    error: string | null,
    filterResult?: boolean,
  ) => {
    if (await writeBatched(sqlite, () => finishInBatch(status, error, filterResult))) {
      announceFinished(status, error);
    }
  };
  // Marking the run running need not hold up the request: the write queue is in order, so it still lands before
  // anything this run records next.
  const markRunning = (filterResult: 1 | null) => {
    writeBatched(sqlite, () => s.start.run(now(), filterResult, run.id)).catch((error: unknown) =>
      logger.error({ runId: run.id, ...errorFields(error) }, 'Could not mark the run running'),
    );
  };

  const definition = loadDefinition(s, run);
  if (!definition) return finishRun('failed', 'The automation no longer exists or its definition is invalid');
  const event = s.event.get({ id: run.event_id });
  if (!event) return finishRun('failed', 'The event no longer exists');

  const secrets = userSecrets(run.user_id);
  const secretValues = Object.values(secrets);
  const stepsByIndex = new Map((s.steps.all(run.id) as StepRow[]).map((r) => [r.idx, r]));
  const bindings: StepBinding[] = [];
  const ctx = runContextFromEvent(event, secrets, bindings);

  // The filter is evaluated together with the first action (one round trip to the JSONata pool); on its own only
  // when there is no action to pair it with.
  let filterPending = run.filter_result === null;
  if (filterPending && definition.actions.length === 0) {
    const filter = await evaluateFilter(definition.filter, ctx);
    if (!filter.ok) return finishRun('failed', `Filter failed: ${filter.error.message}`);
    if (!filter.pass) return finishRun('filtered', null, false);
    filterPending = false;
    markRunning(1);
  } else if (!filterPending && run.status !== 'running') {
    markRunning(null);
  }

  for (let i = 0; i < definition.actions.length; i++) {
    const action = definition.actions[i];
    const existing = stepsByIndex.get(i);
    if (existing && (existing.status === 'succeeded' || existing.status === 'skipped')) {
      bindings.push(existing.result ? (JSON.parse(existing.result) as StepBinding) : EMPTY_STEP);
      continue;
    }
    const stepBase = { id: newId('stp'), runId: run.id, idx: i, name: action.name, startedAt: now() };
    const failStep = async (message: string) => {
      await writeBatched(sqlite, () =>
        s.step.run({
          ...stepBase,
          status: 'failed',
          request: null,
          result: null,
          error: message,
          finishedAt: now(),
        }),
      );
      await finishRun('failed', `Action “${action.name}”: ${message}`);
    };

    const due = await renderActionIfDue(action, ctx, filterPending ? definition.filter : undefined);
    if (!due.ok && due.error.where === 'filter')
      return finishRun('failed', `Filter failed: ${due.error.message}`);
    if (filterPending) {
      // Reaching here means the filter was evaluated and did not fail.
      if (due.ok && !due.filterPass) return finishRun('filtered', null, false);
      filterPending = false;
      markRunning(1);
    }
    if (!due.ok) return failStep(`${due.error.where}: ${due.error.message}`);
    if (!due.whenPass) {
      await writeBatched(sqlite, () =>
        s.step.run({
          ...stepBase,
          status: 'skipped',
          request: null,
          result: null,
          error: null,
          finishedAt: now(),
        }),
      );
      bindings.push(EMPTY_STEP);
      continue;
    }

    const request = due.request!;
    const host = hostOf(request.url);
    const n = ((s.maxAttempt.get(run.id, i) as { n: number | null }).n ?? 0) + 1;
    const budgetUsed = n - (existing?.attempt_base ?? 0);
    const signingSecret = action.signingSecretEncrypted ? decrypt(action.signingSecretEncrypted) : null;
    // webhook-id is the same on every retry of this action of this run, so destinations can deduplicate.
    const headers = {
      ...request.headers,
      ...webhookHeaders(`${run.id}_${i}`, signingSecret, request.body ?? '', now()),
    };
    const recorded = JSON.stringify(recordedRequest({ ...request, headers }, secretValues));

    // The claim's lease covers one default timeout; a longer action extends it first.
    const needed = now() + action.timeoutMs + 5_000;
    if (needed > job.leaseUntil) extendLease(sqlite, job, needed + options.leaseMs);
    // Paused, throttled or at its max concurrency: the job waits (keeping its due time, so order holds) and the
    // worker's claim filter admits it when the destination can take it. Nothing is recorded: no attempt was made.
    if (host && !destinationGate().acquire(host, job.host)) {
      await writeBatched(sqlite, () => rescheduleJob(sqlite, job, job.dueAt, host));
      return;
    }
    const startedAt = now();
    const result = await sendRequest(
      { method: request.method, url: request.url, headers, body: request.body, timeoutMs: action.timeoutMs },
      options.policy,
    ).finally(() => {
      if (host) destinationGate().release(host);
    });
    const ok =
      !!result.response && result.response.status >= 200 && result.response.status < 300 && !result.error;
    const retry = ok ? { retry: false, reason: '' } : shouldRetry(result);
    const delay = ok || !retry.retry ? null : nextRetryDelayMs(budgetUsed, action.retry.maxAttempts, result);
    const nextRetryAt = delay === null ? null : now() + delay;
    const response = result.response
      ? JSON.stringify(
          maskSecretValues(
            {
              status: result.response.status,
              headers: result.response.headers,
              body: result.response.body,
              bodyEncoding: result.response.bodyEncoding,
              truncated: result.response.bodyTruncated,
            },
            secretValues,
          ),
        )
      : null;
    const error = ok ? null : describeFailure(result);

    const outcome = await writeBatched(sqlite, () => {
      const duration = Math.round(result.durationMs);
      s.attempt.run(
        newId('att'),
        run.id,
        i,
        n,
        startedAt,
        duration,
        host,
        recorded,
        response,
        error,
        nextRetryAt,
      );
      s.countAttempt.run(run.id);
      if (host && result.error?.kind !== 'blocked' && result.error?.kind !== 'invalid_url') {
        const reachable =
          ok || (result.response && result.response.status < 500 && result.response.status !== 429);
        if (reachable) {
          if (recordDestinationSuccess(sqlite, host))
            emitAlertSignal({ kind: 'destination_recovered', host });
        } else if (retry.retry) {
          const until = recordDestinationFailure(sqlite, host);
          if (until !== null) {
            const signal = { userId: run.user_id, automationId: run.automation_id, host, until };
            emitAlertSignal({ kind: 'circuit_opened', ...signal });
          }
        }
      }
      const step = {
        ...stepBase,
        request: recorded,
        result: null as string | null,
        error,
        finishedAt: now(),
      };
      if (ok) {
        const binding = responseBinding(result);
        s.step.run({
          ...step,
          status: 'succeeded',
          result: JSON.stringify(maskSecretValues(binding, secretValues)),
        });
        bindings.push(binding);
        // The last action: the run's outcome goes in the same write.
        if (i === definition.actions.length - 1) {
          return finishInBatch('succeeded', null) ? ('succeeded' as const) : ('lease-lost' as const);
        }
        return 'next' as const;
      }
      if (nextRetryAt !== null) {
        s.step.run({ ...step, status: 'retrying', finishedAt: null });
        s.retrying.run(`Action “${action.name}”: ${error}`, run.id);
        rescheduleJob(sqlite, job, nextRetryAt, host);
        return 'rescheduled' as const;
      }
      s.step.run({ ...step, status: 'failed' });
      if (result.response?.status === 410 && s.disable.run(now(), run.automation_id).changes === 1) {
        const gone = { userId: run.user_id, automationId: run.automation_id, runId: run.id, host };
        emitAlertSignal({ kind: 'action_gone', ...gone, actionName: action.name });
      }
      return 'failed' as const;
    });
    const succeeded = outcome === 'next' || outcome === 'succeeded' || outcome === 'lease-lost';
    recordAttempt(
      succeeded ? 'success' : outcome === 'rescheduled' ? 'retry' : 'failure',
      result.response?.status,
      result.durationMs / 1000,
    );
    if (outcome === 'next') continue;
    if (outcome === 'succeeded') return announceFinished('succeeded', null);
    if (outcome === 'lease-lost') return;
    // Host only, never the URL: a URL template may carry a $secrets value.
    const logged = { runId: run.id, automationId: run.automation_id, action: i, attempt: n, host };
    const status = result.response?.status ?? null;
    const reason = maskSecretValues(error, secretValues);
    if (outcome === 'rescheduled') {
      logger.info({ ...logged, status, error: reason, nextRetryAt }, 'Retry scheduled');
      return;
    }
    logger.warn({ ...logged, status, error: reason }, 'Delivery failed');
    const why = retry.retry ? `gave up after ${budgetUsed} attempts` : retry.reason;
    return finishRun('failed', `Action “${action.name}”: ${error}${why ? ` (${why})` : ''}`);
  }
  await finishRun('succeeded', null);
}
