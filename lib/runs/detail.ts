import { getDbHandle } from '@/db/client';
import type { RunStatus } from '@/db/schema';
import { NotFoundError } from '@/lib/errors';
import { getEvent, type EventDetail } from '@/lib/events/events';
import type { SessionUser } from '@/lib/users/users';
import { cachedStatement, getRunsByIds, type RunListItem } from './query';

type Owner = Pick<SessionUser, 'id'>;

export type StepStatus = 'pending' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  truncated: boolean;
}

export interface AttemptDetail {
  n: number;
  startedAt: number;
  durationMs: number;
  host: string | null;
  request: RecordedRequest;
  response: RecordedResponse | null;
  error: string | null;
  nextRetryAt: number | null;
}

export interface StepDetail {
  index: number;
  action: string;
  status: StepStatus;
  error: string | null;
  /** The rendered request of the latest try (secrets masked). */
  request: RecordedRequest | null;
  startedAt: number | null;
  finishedAt: number | null;
  attempts: AttemptDetail[];
}

export interface RunDetail extends RunListItem {
  /** Other runs of the same event (replays and the other automations on the hook), oldest first. */
  relatedRuns: { id: string; automationId: string; automationName: string | null; status: RunStatus }[];
  steps: StepDetail[];
}

interface StepRow {
  idx: number;
  action_name: string;
  status: StepStatus;
  request: string | null;
  error: string | null;
  started_at: number | null;
  finished_at: number | null;
}

interface AttemptRow {
  step_index: number;
  n: number;
  started_at: number;
  duration_ms: number;
  host: string | null;
  request: string;
  response: string | null;
  error: string | null;
  next_retry_at: number | null;
}

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

function toRequest(value: unknown): RecordedRequest | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Partial<RecordedRequest>;
  return {
    method: String(v.method ?? ''),
    url: String(v.url ?? ''),
    headers: v.headers && typeof v.headers === 'object' ? v.headers : {},
    body: typeof v.body === 'string' ? v.body : null,
  };
}

function toResponse(value: unknown): RecordedResponse | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Partial<RecordedResponse>;
  return {
    status: Number(v.status ?? 0),
    headers: v.headers && typeof v.headers === 'object' ? v.headers : {},
    body: typeof v.body === 'string' ? v.body : '',
    bodyEncoding: v.bodyEncoding === 'base64' ? 'base64' : 'utf8',
    truncated: v.truncated === true,
  };
}

/** One run with its steps and every attempt, oldest first; another user's run is NotFound. */
export function getRunDetail(user: Owner, id: string): RunDetail {
  const [run] = getRunsByIds(user, [id]);
  if (!run) throw new NotFoundError('Run');
  const { sqlite } = getDbHandle();
  const stepRows = cachedStatement(
    sqlite,
    `select idx, action_name, status, request, error, started_at, finished_at from steps where run_id = ? order by idx`,
  ).all(id) as StepRow[];
  const attemptRows = cachedStatement(
    sqlite,
    `select step_index, n, started_at, duration_ms, host, request, response, error, next_retry_at
     from attempts where run_id = ? order by step_index, n`,
  ).all(id) as AttemptRow[];
  const attemptsByStep = new Map<number, AttemptDetail[]>();
  for (const a of attemptRows) {
    const list = attemptsByStep.get(a.step_index) ?? [];
    list.push({
      n: a.n,
      startedAt: a.started_at,
      durationMs: a.duration_ms,
      host: a.host,
      request: toRequest(parseJson(a.request)) ?? { method: '', url: '', headers: {}, body: null },
      response: toResponse(parseJson(a.response)),
      error: a.error,
      nextRetryAt: a.next_retry_at,
    });
    attemptsByStep.set(a.step_index, list);
  }
  const related = cachedStatement(
    sqlite,
    `select r.id, r.automation_id, a.name as automation_name, r.status from runs r
     left join automations a on a.id = r.automation_id
     where r.event_id = ? and r.user_id = ? and r.id <> ? order by r.id limit 50`,
  ).all(run.eventId, user.id, id) as {
    id: string;
    automation_id: string;
    automation_name: string | null;
    status: RunStatus;
  }[];
  return {
    ...run,
    relatedRuns: related.map((r) => ({
      id: r.id,
      automationId: r.automation_id,
      automationName: r.automation_name,
      status: r.status,
    })),
    steps: stepRows.map((s) => ({
      index: s.idx,
      action: s.action_name,
      status: s.status,
      error: s.error,
      request: toRequest(parseJson(s.request)),
      startedAt: s.started_at,
      finishedAt: s.finished_at,
      attempts: attemptsByStep.get(s.idx) ?? [],
    })),
  };
}

/** The API shape of a run (DESIGN.md), with a few descriptive extras at the top level. */
export function toApiRun(run: RunDetail) {
  return {
    id: run.id,
    automationId: run.automationId,
    automationVersion: run.automationVersion,
    eventId: run.eventId,
    status: run.status,
    error: run.error,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    steps: run.steps.map((s) => ({
      action: s.action,
      status: s.status,
      error: s.error,
      attempts: s.attempts.map((a) => ({
        n: a.n,
        startedAt: a.startedAt,
        durationMs: a.durationMs,
        request: {
          method: a.request.method,
          url: a.request.url,
          headers: a.request.headers,
          body: a.request.body,
        },
        response: a.response
          ? { status: a.response.status, headers: a.response.headers, body: a.response.body }
          : null,
        error: a.error,
        nextRetryAt: a.nextRetryAt,
      })),
    })),
    automationName: run.automationName,
    hookId: run.hookId,
    triggerType: run.triggerType,
    filterResult: run.filterResult,
    attemptCount: run.attempts,
    replayOf: run.replayOf,
    startedAt: run.startedAt,
  };
}

export interface RunTimeline {
  run: RunDetail;
  event: EventDetail | null;
}

/** Everything the run page shows: the run and the event that started it (headers and body). */
export function getRunTimeline(user: Owner, id: string): RunTimeline {
  const run = getRunDetail(user, id);
  let event: EventDetail | null = null;
  try {
    event = getEvent(user, run.eventId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  return { run, event };
}
