import { and, desc, eq, gt, inArray, lt } from 'drizzle-orm';
import { parsedBody } from './parsed-body';
import { z } from 'zod';
import { getDb, getDbHandle } from '@/db/client';
import { automations, events, hooks, runs, type RunStatus } from '@/db/schema';
import { wakeWorker } from '@/lib/delivery/queue';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { insertRunsForEvent, type RunTarget } from '@/lib/runs/create';
import { cachedStatement } from '@/lib/runs/query';
import type { SessionUser } from '@/lib/users/users';
import { parseInput } from '@/lib/validation';

type Owner = Pick<SessionUser, 'id'>;
type EventRow = typeof events.$inferSelect;

export const EVENT_OUTCOMES = ['accepted', 'duplicate', 'rejected'] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

export interface EventRun {
  id: string;
  automationId: string;
  status: RunStatus;
}

/** One row of an event list: metadata only, no headers or body. */
export interface EventSummary {
  id: string;
  hookId: string | null;
  source: EventRow['source'];
  outcome: EventOutcome;
  rejectStatus: number | null;
  rejectReason: string | null;
  method: string;
  contentType: string | null;
  size: number;
  sourceIp: string | null;
  verification: string | null;
  duplicateOf: string | null;
  receivedAt: number;
  runs: EventRun[];
}

export interface EventDetail extends EventSummary {
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[]>;
  body: {
    kind: string;
    parsed: unknown;
    /** The exact bytes: UTF-8 text, or base64 for binary bodies (see `encoding`). null when not stored (rejected). */
    raw: string | null;
    encoding: 'utf8' | 'base64';
  };
  dedupeKey: string | null;
}

export const listEventsQuery = z.object({
  hookId: z.string().min(1).max(100).optional(),
  outcome: z
    .enum(EVENT_OUTCOMES, { error: `outcome must be one of ${EVENT_OUTCOMES.join(', ')}` })
    .optional(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(100).optional(),
  // Live views: only events newer than this id (still newest first).
  after: z.string().min(1).max(100).optional(),
});
export type ListEventsQuery = z.input<typeof listEventsQuery>;

const summaryColumns = {
  id: events.id,
  hookId: events.hookId,
  source: events.source,
  outcome: events.outcome,
  rejectStatus: events.rejectStatus,
  rejectReason: events.rejectReason,
  method: events.method,
  contentType: events.contentType,
  size: events.size,
  sourceIp: events.sourceIp,
  verification: events.verification,
  duplicateOf: events.duplicateOf,
  receivedAt: events.receivedAt,
};

/** Runs started by each event, oldest first, keyed by event id. */
export function runsForEvents(user: Owner, eventIds: string[]): Map<string, EventRun[]> {
  const byEvent = new Map<string, EventRun[]>();
  for (const id of eventIds) byEvent.set(id, []);
  if (eventIds.length === 0) return byEvent;
  const rows = getDb()
    .select({ id: runs.id, eventId: runs.eventId, automationId: runs.automationId, status: runs.status })
    .from(runs)
    .where(and(eq(runs.userId, user.id), inArray(runs.eventId, eventIds)))
    .orderBy(runs.id)
    .all();
  for (const r of rows)
    byEvent.get(r.eventId)?.push({ id: r.id, automationId: r.automationId, status: r.status });
  return byEvent;
}

/**
 * The ids of the user's newest `limit + 1` events matching `q`, when it names no hook. There is no (user_id, id) index
 * (every ingest commit would write it: one b-tree fewer per event, migration 0009), so each of the user's hooks is read
 * newest first from events_hook_idx, events with no hook (poll, schedule, silence) from events_user_hookless_idx, and
 * the ids merged: at most `limit + 1` per hook, ids only until the outcome filter needs the row.
 */
function newestEventIds(user: Owner, q: z.output<typeof listEventsQuery>): string[] {
  const { sqlite } = getDbHandle();
  const where = [
    q.outcome ? 'outcome = @outcome' : null,
    q.cursor ? 'id < @cursor' : null,
    q.after ? 'id > @after' : null,
  ].filter(Boolean);
  const and = where.map((w) => ` and ${w}`).join('');
  const params = { userId: user.id, outcome: q.outcome, cursor: q.cursor, after: q.after, n: q.limit + 1 };
  // An event's user is its hook's, so the hook's arm needs no user_id test (which would read each row).
  const byHook = cachedStatement(
    sqlite,
    `select id from events where hook_id = @hookId${and} order by id desc limit @n`,
  ).pluck();
  const hookless = cachedStatement(
    sqlite,
    `select id from events where user_id = @userId and hook_id is null${and} order by id desc limit @n`,
  ).pluck();
  const hookIds = cachedStatement(sqlite, 'select id from hooks where user_id = ?')
    .pluck()
    .all(user.id) as string[];
  const ids = hookless.all(params) as string[];
  for (const hookId of hookIds) ids.push(...(byHook.all({ ...params, hookId }) as string[]));
  return ids
    .sort()
    .reverse()
    .slice(0, q.limit + 1);
}

export function listEvents(
  user: Owner,
  query: ListEventsQuery,
): { items: EventSummary[]; nextCursor: string | null } {
  const q = parseInput(listEventsQuery, query);
  const rows = getDb()
    .select(summaryColumns)
    .from(events)
    .where(
      and(
        eq(events.userId, user.id),
        q.hookId ? eq(events.hookId, q.hookId) : inArray(events.id, newestEventIds(user, q)),
        q.outcome ? eq(events.outcome, q.outcome) : undefined,
        q.cursor ? lt(events.id, q.cursor) : undefined,
        q.after ? gt(events.id, q.after) : undefined,
      ),
    )
    .orderBy(desc(events.id))
    .limit(q.limit + 1)
    .all();
  const page = rows.slice(0, q.limit);
  const runsByEvent = runsForEvents(
    user,
    page.map((r) => r.id),
  );
  return {
    items: page.map((r) => ({ ...r, runs: runsByEvent.get(r.id) ?? [] })),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}

function rawBody(row: EventRow): { raw: string | null; encoding: 'utf8' | 'base64' } {
  if (!row.bodyRaw) return { raw: null, encoding: 'utf8' };
  const buf = Buffer.from(row.bodyRaw);
  if (row.bodyKind === 'binary') return { raw: buf.toString('base64'), encoding: 'base64' };
  // Text kinds should be UTF-8; anything that is not round-trips as base64 so no byte is lost.
  const text = buf.toString('utf8');
  if (Buffer.byteLength(text) !== buf.length || !Buffer.from(text, 'utf8').equals(buf)) {
    return { raw: buf.toString('base64'), encoding: 'base64' };
  }
  return { raw: text, encoding: 'utf8' };
}

export function getEventRow(user: Owner, id: string): EventRow {
  const row = getDb()
    .select()
    .from(events)
    .where(and(eq(events.id, id), eq(events.userId, user.id)))
    .get();
  if (!row) throw new NotFoundError('Event');
  return row;
}

export function getEvent(user: Owner, id: string): EventDetail {
  const row = getEventRow(user, id);
  const { raw, encoding } = rawBody(row);
  return {
    id: row.id,
    hookId: row.hookId,
    source: row.source,
    outcome: row.outcome,
    rejectStatus: row.rejectStatus,
    rejectReason: row.rejectReason,
    method: row.method,
    path: row.path,
    query: (row.query as Record<string, unknown> | null) ?? {},
    headers: (row.headers as Record<string, string | string[]> | null) ?? {},
    contentType: row.contentType,
    size: row.size,
    body: { kind: row.bodyKind ?? 'empty', parsed: parsedBody(row), raw, encoding },
    sourceIp: row.sourceIp,
    verification: row.verification,
    dedupeKey: row.dedupeKey,
    duplicateOf: row.duplicateOf,
    receivedAt: row.receivedAt,
    runs: runsForEvents(user, [row.id]).get(row.id) ?? [],
  };
}

/**
 * New runs for an accepted event: one per webhook automation CURRENTLY enabled on its hook (at their current
 * version). Runs and jobs commit together, then the worker is woken.
 */
export function replayEvent(user: Owner, eventId: string): { runIds: string[] } {
  const row = getEventRow(user, eventId);
  if (row.outcome !== 'accepted') {
    throw new ValidationError(`Only accepted events can be replayed; this one was ${row.outcome}`);
  }
  if (!row.hookId) throw new ValidationError('Only events received on a hook can be replayed');
  const { sqlite, db } = getDbHandle();
  const runIds = sqlite.transaction(() => {
    const hook = db
      .select({ id: hooks.id })
      .from(hooks)
      .where(and(eq(hooks.id, row.hookId!), eq(hooks.userId, user.id)))
      .get();
    if (!hook) throw new NotFoundError('Hook');
    const targets: RunTarget[] = db
      .select({
        id: automations.id,
        userId: automations.userId,
        version: automations.version,
        triggerType: automations.triggerType,
      })
      .from(automations)
      .where(
        and(
          eq(automations.hookId, hook.id),
          eq(automations.userId, user.id),
          eq(automations.triggerType, 'webhook'),
          eq(automations.enabled, true),
        ),
      )
      .orderBy(automations.id)
      .all();
    return insertRunsForEvent(sqlite, { id: row.id, hookId: row.hookId }, targets);
  })();
  if (runIds.length > 0) wakeWorker();
  return { runIds };
}

/** Parses `?hookId=&outcome=&limit=&cursor=&after=` from a URL into a list query (validated by listEvents). */
export function eventsQueryFromUrl(url: URL, limit: number): ListEventsQuery {
  const get = (k: string) => url.searchParams.get(k) || undefined;
  return {
    hookId: get('hookId'),
    outcome: get('outcome') as EventOutcome | undefined,
    cursor: get('cursor'),
    after: get('after'),
    limit,
  };
}
