import type Database from 'better-sqlite3';
import { getWorkerDbHandle } from '@/db/client';
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
import type { BookkeepingOp } from './bookkeeping';
import { bookkeep } from './bookkeeping-writer';
import { sendRequest, type OutboundPolicy, type OutboundResult } from './http-client';
import type { Job, JobRef } from './queue';
import { readRunState, receivedRunState, type EventRow, type RunRow, type RunState } from './run-state';
import { maskSecretValues, redactHeaders } from './redact';
import { nextRetryDelayMs, shouldRetry } from './retry-policy';
import { webhookHeaders } from './sign';

const RECORDED_BODY_LIMIT = 64 * 1024;
/**
 * A run is marked running only when its delivery is still going after this long: most deliveries finish sooner,
 * and their outcome write carries the start time instead, which saves moving the run between status index entries
 * twice. A run shows as queued for at most this long after its attempt started.
 */
export const RUNNING_WRITE_DELAY_MS = Number(process.env.HOOKLINE_RUNNING_WRITE_DELAY_MS ?? 200);

interface Definition {
  filter: string | null;
  actions: StoredAction[];
}

function prepare(sqlite: Database.Database) {
  return {
    sqlite,
    automation: sqlite.prepare(`select version, filter, actions from automations where id = ?`),
    version: sqlite.prepare(
      `select definition from automation_versions where automation_id = ? and version = ?`,
    ),
  };
}

let cached: ReturnType<typeof prepare> | null = null;
function stmts() {
  const { sqlite } = getWorkerDbHandle();
  if (cached?.sqlite !== sqlite) cached = prepare(sqlite);
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
 * Progress is written by the bookkeeping writer (synchronous=NORMAL; at least once covers a lost write).
 */
export async function executeRunJob(
  job: Job,
  options: {
    leaseMs: number;
    policy?: OutboundPolicy;
    /** Called once this claim will send nothing more: only its records are left to write. */
    done?: () => void;
  },
): Promise<void> {
  const s = stmts();
  const now = () => Date.now();
  // Read by the bookkeeping writer with the claim; here only for a job that did not come through the worker's claim.
  const state = job.runState ? receivedRunState(job.runState) : readRunState(s.sqlite, job.runId!);
  const { run } = state;
  const done = () => options.done?.();
  // What the bookkeeping writer needs of the job: the job itself carries its run state (the event, its body), which
  // would be copied to the thread with every write.
  const ref: JobRef = { id: job.id, claimToken: job.claimToken };
  if (!run || ['succeeded', 'failed', 'filtered'].includes(run.status)) {
    done();
    await bookkeep([{ type: 'complete', job: ref }]);
    return;
  }
  // Every status write carries these, so the run's start and filter result are recorded even when the "running"
  // write was never made.
  const progress = {
    runId: run.id,
    startedAt: now(),
    filterResult: run.filter_result === null ? null : run.filter_result ? (1 as const) : (0 as const),
  };
  let runningTimer: NodeJS.Timeout | null = null;
  /** Before any write that sets the run's status: a later "running" write would overwrite it. */
  const cancelRunningWrite = () => {
    if (runningTimer) clearTimeout(runningTimer);
    runningTimer = null;
  };
  const markRunning = () => {
    if (runningTimer) return;
    runningTimer = setTimeout(() => {
      runningTimer = null;
      bookkeep([{ type: 'start', ...progress }]).catch((error: unknown) =>
        logger.error({ runId: run.id, ...errorFields(error) }, 'Could not mark the run running'),
      );
    }, RUNNING_WRITE_DELAY_MS);
    runningTimer.unref();
  };
  const finishOp = (status: 'succeeded' | 'failed' | 'filtered', error: string | null): BookkeepingOp => {
    cancelRunningWrite();
    return { type: 'finish', job: ref, status, error, at: now(), ...progress };
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
  /** Records the outcome (after `before`, in the same write); announced unless the lease was lost meanwhile. */
  const finishRun = async (
    status: 'succeeded' | 'failed' | 'filtered',
    error: string | null,
    before: BookkeepingOp[] = [],
  ) => {
    done();
    const results = await bookkeep([...before, finishOp(status, error)]);
    if (results.length === before.length + 1 && results[before.length] === true)
      announceFinished(status, error);
  };
  try {
    return await deliverRun();
  } finally {
    cancelRunningWrite();
  }

  async function deliverRun(): Promise<void> {
    const definition = loadDefinition(s, run!);
    if (!definition)
      return finishRun('failed', 'The automation no longer exists or its definition is invalid');
    if (!state.event) return finishRun('failed', 'The event no longer exists');
    return deliverActions(run!, definition, state.event, state);
  }

  async function deliverActions(
    run: RunRow,
    definition: Definition,
    event: EventRow,
    { steps, maxAttempts }: RunState,
  ): Promise<void> {
    const secrets = userSecrets(run.user_id);
    const secretValues = Object.values(secrets);
    const stepsByIndex = new Map(steps.map((r) => [r.idx, r]));
    const bindings: StepBinding[] = [];
    const ctx = runContextFromEvent(event, secrets, bindings);

    // The filter is evaluated together with the first action (one round trip to the JSONata pool); on its own only
    // when there is no action to pair it with.
    let filterPending = run.filter_result === null;
    if (filterPending && definition.actions.length === 0) {
      const filter = await evaluateFilter(definition.filter, ctx);
      if (!filter.ok) return finishRun('failed', `Filter failed: ${filter.error.message}`);
      progress.filterResult = filter.pass ? 1 : 0;
      if (!filter.pass) return finishRun('filtered', null);
      filterPending = false;
      markRunning();
    } else if (!filterPending && run.status !== 'running') {
      markRunning();
    }

    for (let i = 0; i < definition.actions.length; i++) {
      const action = definition.actions[i];
      const existing = stepsByIndex.get(i);
      if (existing && (existing.status === 'succeeded' || existing.status === 'skipped')) {
        bindings.push(existing.result ? (JSON.parse(existing.result) as StepBinding) : EMPTY_STEP);
        continue;
      }
      const stepBase = {
        type: 'step' as const,
        id: newId('stp'),
        runId: run.id,
        idx: i,
        name: action.name,
        startedAt: now(),
      };
      const failStep = (message: string) =>
        finishRun('failed', `Action “${action.name}”: ${message}`, [
          { ...stepBase, status: 'failed', request: null, result: null, error: message, finishedAt: now() },
        ]);

      const due = await renderActionIfDue(action, ctx, filterPending ? definition.filter : undefined);
      if (!due.ok && due.error.where === 'filter')
        return finishRun('failed', `Filter failed: ${due.error.message}`);
      if (filterPending) {
        // Reaching here means the filter was evaluated and did not fail.
        progress.filterResult = due.ok && !due.filterPass ? 0 : 1;
        if (due.ok && !due.filterPass) return finishRun('filtered', null);
        filterPending = false;
        markRunning();
      }
      if (!due.ok) return failStep(`${due.error.where}: ${due.error.message}`);
      if (!due.whenPass) {
        await bookkeep([
          { ...stepBase, status: 'skipped', request: null, result: null, error: null, finishedAt: now() },
        ]);
        bindings.push(EMPTY_STEP);
        continue;
      }

      const request = due.request!;
      const host = hostOf(request.url);
      // Each step is tried at most once per claim, so the count read with the claim is current.
      const n = (maxAttempts[i] ?? 0) + 1;
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
      if (needed > job.leaseUntil) {
        const leaseUntil = needed + options.leaseMs;
        const [extended] = await bookkeep([{ type: 'extend', job: ref, leaseUntil }]);
        if (extended) job.leaseUntil = leaseUntil;
      }
      // Paused, throttled or at its max concurrency: the job waits (keeping its due time, so order holds) and the
      // worker's claim filter admits it when the destination can take it. Nothing is recorded: no attempt was made.
      if (host && !destinationGate().acquire(host, job.host)) {
        done();
        await bookkeep([{ type: 'reschedule', job: ref, dueAt: job.dueAt, host }]);
        return;
      }
      const startedAt = now();
      const result = await sendRequest(
        {
          method: request.method,
          url: request.url,
          headers,
          body: request.body,
          timeoutMs: action.timeoutMs,
        },
        options.policy,
      ).finally(() => {
        if (host) destinationGate().release(host);
      });
      const ok =
        !!result.response && result.response.status >= 200 && result.response.status < 300 && !result.error;
      const retry = ok ? { retry: false, reason: '' } : shouldRetry(result);
      const delay =
        ok || !retry.retry ? null : nextRetryDelayMs(budgetUsed, action.retry.maxAttempts, result);
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

      const ops: BookkeepingOp[] = [
        {
          type: 'attempt',
          id: newId('att'),
          runId: run.id,
          stepIndex: i,
          n,
          startedAt,
          durationMs: Math.round(result.durationMs),
          host,
          request: recorded,
          response,
          error,
          nextRetryAt,
        },
      ];
      let destination: { at: number; reachable: boolean } | null = null;
      if (host && result.error?.kind !== 'blocked' && result.error?.kind !== 'invalid_url') {
        const reachable =
          ok || (!!result.response && result.response.status < 500 && result.response.status !== 429);
        if (reachable || retry.retry) {
          destination = { at: ops.length, reachable };
          ops.push({ type: 'destination', host, reachable, at: now() });
        }
      }
      const step = { ...stepBase, request: recorded, result: null, error, finishedAt: now() };
      const last = i === definition.actions.length - 1;
      let gone = -1;
      let outcome: 'next' | 'succeeded' | 'rescheduled' | 'failed';
      let failure: string | null = null;
      if (ok) {
        const binding = responseBinding(result);
        ops.push({
          ...step,
          status: 'succeeded',
          result: JSON.stringify(maskSecretValues(binding, secretValues)),
        });
        bindings.push(binding);
        // The last action: the run's outcome goes in the same write.
        outcome = last ? 'succeeded' : 'next';
        if (last) ops.push(finishOp('succeeded', null));
      } else if (nextRetryAt !== null) {
        cancelRunningWrite();
        ops.push(
          { ...step, status: 'retrying', finishedAt: null },
          { type: 'retrying', error: `Action “${action.name}”: ${error}`, ...progress },
          { type: 'reschedule', job: ref, dueAt: nextRetryAt, host },
        );
        outcome = 'rescheduled';
      } else {
        ops.push({ ...step, status: 'failed' });
        if (result.response?.status === 410) {
          gone = ops.length;
          ops.push({ type: 'disable', automationId: run.automation_id, at: now() });
        }
        const why = retry.retry ? `gave up after ${budgetUsed} attempts` : retry.reason;
        failure = `Action “${action.name}”: ${error}${why ? ` (${why})` : ''}`;
        ops.push(finishOp('failed', failure));
        outcome = 'failed';
      }
      if (outcome !== 'next') done();
      // Counted before the write that makes the run's outcome visible, so /metrics never lags the run history.
      recordAttempt(
        ok ? 'success' : outcome === 'rescheduled' ? 'retry' : 'failure',
        result.response?.status,
        result.durationMs / 1000,
      );
      const results = await bookkeep(ops);
      const finished = outcome === 'succeeded' || outcome === 'failed';
      const leaseLost = finished && results.length === ops.length && results[ops.length - 1] === false;

      if (destination) {
        const r = results[destination.at];
        if (destination.reachable) {
          if (r === true) emitAlertSignal({ kind: 'destination_recovered', host: host! });
        } else if (typeof r === 'number') {
          const signal = { userId: run.user_id, automationId: run.automation_id, host: host!, until: r };
          emitAlertSignal({ kind: 'circuit_opened', ...signal });
        }
      }
      if (gone >= 0 && results[gone] === true) {
        const info = { userId: run.user_id, automationId: run.automation_id, runId: run.id, host };
        emitAlertSignal({ kind: 'action_gone', ...info, actionName: action.name });
      }
      if (outcome === 'next') continue;
      if (outcome === 'succeeded') {
        if (!leaseLost) announceFinished('succeeded', null);
        return;
      }
      // Host only, never the URL: a URL template may carry a $secrets value.
      const logged = { runId: run.id, automationId: run.automation_id, action: i, attempt: n, host };
      const status = result.response?.status ?? null;
      const reason = maskSecretValues(error, secretValues);
      if (outcome === 'rescheduled') {
        logger.info({ ...logged, status, error: reason, nextRetryAt }, 'Retry scheduled');
        return;
      }
      logger.warn({ ...logged, status, error: reason }, 'Delivery failed');
      if (!leaseLost) announceFinished('failed', failure);
      return;
    }
    await finishRun('succeeded', null);
  }
}
