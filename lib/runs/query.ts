import type Database from 'better-sqlite3';
import { z } from 'zod';
import { getDbHandle } from '@/db/client';
import { NOT_QUEUED, RUN_STATUSES, type RunStatus } from '@/db/schema';
import { ValidationError } from '@/lib/errors';
import type { SessionUser } from '@/lib/users/users';
import { parseInput } from '@/lib/validation';
import { idFloor } from './id-time';
import { catchUpSearchIndex } from './search-index';

type Owner = Pick<SessionUser, 'id'>;

export const TRIGGER_TYPES = ['webhook', 'schedule', 'poll', 'silence'] as const;
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'filtered'];

const idParam = z.string().trim().min(1).max(100);

export const runListQuery = z.object({
  status: z.enum(RUN_STATUSES, { error: `status must be one of ${RUN_STATUSES.join(', ')}` }).optional(),
  automationId: idParam.optional(),
  hookId: idParam.optional(),
  eventId: idParam.optional(),
  triggerType: z
    .enum(TRIGGER_TYPES, { error: `triggerType must be one of ${TRIGGER_TYPES.join(', ')}` })
    .optional(),
  /** Epoch milliseconds, inclusive. */
  from: z.number().int().min(0).optional(),
  /** Epoch milliseconds, exclusive. */
  to: z.number().int().min(0).optional(),
  /** Words that must all appear in the event body (SQLite FTS5). A trailing `*` matches a prefix. */
  q: z.string().trim().max(200).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().trim().min(1).max(100).optional(),
  /** Live views: only runs newer than this run id (not combined with `q`). */
  after: idParam.optional(),
});
export type RunListQuery = z.input<typeof runListQuery>;
type ParsedQuery = z.output<typeof runListQuery>;

/** The filter part of a list query (what "Retry failed" and counts apply to). */
export type RunFilter = Omit<RunListQuery, 'limit' | 'cursor' | 'after'>;

export interface RunListItem {
  id: string;
  automationId: string;
  automationName: string | null;
  automationVersion: number;
  eventId: string;
  eventReceivedAt: number | null;
  hookId: string | null;
  hookName: string | null;
  triggerType: string;
  status: RunStatus;
  filterResult: boolean | null;
  error: string | null;
  attempts: number;
  replayOf: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
}

export interface RunListPage {
  items: RunListItem[];
  nextCursor: string | null;
}

interface RunRow {
  id: string;
  automation_id: string;
  automation_name: string | null;
  automation_version: number;
  event_id: string;
  event_received_at: number | null;
  hook_id: string | null;
  hook_name: string | null;
  trigger_type: string;
  status: RunStatus;
  filter_result: number | null;
  error: string | null;
  attempt_count: number;
  replay_of: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  erow?: number;
}

export function toListItem(r: RunRow): RunListItem {
  return {
    id: r.id,
    automationId: r.automation_id,
    automationName: r.automation_name,
    automationVersion: r.automation_version,
    eventId: r.event_id,
    eventReceivedAt: r.event_received_at,
    hookId: r.hook_id,
    hookName: r.hook_name,
    triggerType: r.trigger_type,
    status: r.status,
    filterResult: r.filter_result === null ? null : r.filter_result === 1,
    error: r.error,
    attempts: r.attempt_count,
    replayOf: r.replay_of,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.finished_at === null ? null : Math.max(0, r.finished_at - (r.started_at ?? r.created_at)),
  };
}

const RUN_COLUMNS = `r.id, r.automation_id, r.automation_version, r.event_id, r.hook_id, r.trigger_type, r.status,
  r.filter_result, r.error, r.attempt_count, r.replay_of, r.created_at, r.started_at, r.finished_at`;

// Names are looked up for the page's rows only (the inner query has the LIMIT).
const NAME_JOINS = `left join automations a on a.id = p.automation_id
  left join hooks h on h.id = p.hook_id
  left join events e on e.id = p.event_id`;
const NAME_COLUMNS = `p.*, a.name as automation_name, h.name as hook_name, e.received_at as event_received_at`;

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** Prepared statements keyed by SQL text: the filter combinations are few, so this stays small. */
export function cachedStatement(sqlite: Database.Database, sql: string): Database.Statement {
  let m = cache.get(sqlite);
  if (!m) cache.set(sqlite, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = sqlite.prepare(sql)));
  return s;
}

/**
 * Turns what a person types into a safe FTS5 query: every whitespace-separated word becomes a quoted phrase (so
 * `order.created` matches those two tokens side by side and FTS syntax characters are inert), all required; a
 * trailing `*` keeps prefix matching. Returns null when nothing searchable is left.
 */
export function toFtsQuery(q: string): string | null {
  const parts: string[] = [];
  for (const word of q.split(/\s+/)) {
    const prefix = word.length > 1 && word.endsWith('*');
    const text = prefix ? word.slice(0, -1) : word;
    if (!/[\p{L}\p{N}]/u.test(text)) continue;
    parts.push(`"${text.replace(/"/g, '""')}"${prefix ? '*' : ''}`);
    if (parts.length >= 16) break;
  }
  return parts.length ? parts.join(' ') : null;
}

/** SQL conditions on runs `r` for the filters (not the search), with their named parameters. */
function filterConditions(user: Owner, q: ParsedQuery): { where: string[]; params: Record<string, unknown> } {
  const where = ['r.user_id = @userId'];
  const params: Record<string, unknown> = { userId: user.id };
  // The status as a literal (it is one of RUN_STATUSES), with the partial indexes' own term: SQLite matches a partial
  // index to a query only through terms it can see when it plans (db/schema/runs.ts).
  if (q.status) where.push(statusTerm(q.status));
  if (q.automationId) {
    where.push('r.automation_id = @automationId');
    params.automationId = q.automationId;
  }
  if (q.hookId) {
    where.push('r.hook_id = @hookId');
    params.hookId = q.hookId;
  }
  if (q.eventId) {
    where.push('r.event_id = @eventId');
    params.eventId = q.eventId;
  }
  if (q.triggerType) {
    where.push('r.trigger_type = @triggerType');
    params.triggerType = q.triggerType;
  }
  if (q.from !== undefined) {
    where.push('r.id >= @fromId');
    params.fromId = idFloor('run', q.from);
  }
  if (q.to !== undefined) {
    where.push('r.id < @toId');
    params.toId = idFloor('run', q.to);
  }
  return { where, params };
}

/**
 * `r.status` is `status`, in the form the status indexes are read with. The status goes into the SQL as a literal, so
 * anything but one of RUN_STATUSES is refused here too, whatever its caller validated.
 */
export function statusTerm(status: RunStatus): string {
  if (!RUN_STATUSES.includes(status))
    throw new ValidationError(`Unknown run status ${JSON.stringify(status)}`);
  return status === 'queued' ? `r.status = 'queued'` : `r.status = '${status}' and ${NOT_QUEUED}`;
}

/** Indexes that hold a user's, or an automation's, runs in id order within each status (but queued). */
type PerStatusIndex = 'runs_user_status_idx' | 'runs_automation_status_idx';

/**
 * Where a list's runs come from when no index reads them in id order. Filtered by status, hook or event, that filter's
 * index does (null). Otherwise there is no (user_id, id) or (automation_id, id) index to read (every ingest commit
 * would write them: a b-tree each per run, migrations 0009 and 0010), and the newest of each status are read instead.
 */
export function perStatusIndex(
  q: Pick<ParsedQuery, 'status' | 'automationId' | 'hookId' | 'eventId'>,
): PerStatusIndex | null {
  if (q.status || q.hookId || q.eventId) return null;
  return q.automationId ? 'runs_automation_status_idx' : 'runs_user_status_idx';
}

/** Where each PerStatusIndex's queued runs are (db/schema/runs.ts: the status indexes leave them out). */
const QUEUED_INDEX: Record<PerStatusIndex, string> = {
  runs_user_status_idx: 'runs_queued_idx',
  runs_automation_status_idx: 'runs_queued_automation_idx',
};

/**
 * The newest `@limit` runs matching `where` (on runs `r`): read in order, or with `index`, at most `@limit` per status
 * from it (the queued ones from QUEUED_INDEX) and merged.
 */
export function newestRuns(where: string, index: PerStatusIndex | null): string {
  const newest = (extra: string, indexed: string) =>
    `select ${RUN_COLUMNS} from runs r ${indexed} where ${where}${extra} order by r.id desc limit @limit`;
  if (!index) return newest('', '');
  const perStatus = RUN_STATUSES.map((s) => {
    const indexed = `indexed by ${s === 'queued' ? QUEUED_INDEX[index] : index}`;
    return `select * from (${newest(` and ${statusTerm(s)}`, indexed)})`;
  });
  return `select * from (${perStatus.join(' union all ')}) order by id desc limit @limit`;
}

/** The newest run of each automation (its status and creation time), for the automations list. */
export function lastRuns(automationIds: string[]): Map<string, { status: RunStatus; createdAt: number }> {
  const newest = cachedStatement(
    getDbHandle().sqlite,
    newestRuns('r.automation_id = @automationId', 'runs_automation_status_idx'),
  );
  const out = new Map<string, { status: RunStatus; createdAt: number }>();
  for (const automationId of automationIds) {
    const run = newest.get({ automationId, limit: 1 }) as RunRow | undefined;
    if (run) out.set(automationId, { status: run.status, createdAt: run.created_at });
  }
  return out;
}

/** Runs of the user, newest first, keyset-paginated on the (time-sortable) id; `q` searches event bodies. */
export function listRuns(user: Owner, query: RunListQuery): RunListPage {
  const q = parseInput(runListQuery, query);
  const fts = q.q ? toFtsQuery(q.q) : null;
  if (fts) return searchRuns(user, q, fts);
  const { sqlite } = getDbHandle();
  const { where, params } = filterConditions(user, q);
  if (q.cursor) {
    where.push('r.id < @cursor');
    params.cursor = q.cursor;
  }
  if (q.after) {
    where.push('r.id > @after');
    params.after = q.after;
  }
  const sql = `select ${NAME_COLUMNS} from (${newestRuns(where.join(' and '), perStatusIndex(q))}) p ${NAME_JOINS} order by p.id desc`;
  const rows = cachedStatement(sqlite, sql).all({ ...params, limit: q.limit + 1 }) as RunRow[];
  const page = rows.slice(0, q.limit);
  return {
    items: page.map(toListItem),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}

/**
 * Payload search, driven by the FTS index newest event first (its rowids follow insertion order), so a common
 * word stops after one page and a rare one reads only its matches. Pages end on an event boundary and the cursor
 * is the last event's FTS rowid, so an event's runs are never split across pages.
 */
function searchRuns(user: Owner, q: ParsedQuery, fts: string): RunListPage {
  const reader = catchUpSearchIndex(getDbHandle().sqlite);
  const { where, params } = filterConditions(user, q);
  where.push('e.user_id = @userId');
  if (q.cursor) {
    if (!/^\d{1,18}$/.test(q.cursor)) throw new ValidationError('cursor is not valid for a search');
    where.push('f.rowid < @before');
    params.before = BigInt(q.cursor);
  }
  if (q.after) {
    where.push('r.id > @after');
    params.after = q.after;
  }
  const inner = (extra: string, limit: string) => `select ${RUN_COLUMNS}, f.rowid as erow
      from search.events_fts f
      join events e on e.rowid = f.rowid
      join runs r on r.event_id = e.id
      where events_fts match @fts and ${where.join(' and ')} ${extra}
      order by f.rowid desc ${limit}`;
  const sql = `select ${NAME_COLUMNS} from (${inner('', 'limit @limit')}) p ${NAME_JOINS} order by p.erow desc, p.id desc`;
  let rows: RunRow[];
  try {
    rows = cachedStatement(reader, sql).all({ ...params, fts, limit: q.limit + 1 }) as RunRow[];
  } catch (error) {
    if (error instanceof Error && /fts5/i.test(error.message)) throw new ValidationError('Invalid search');
    throw error;
  }
  if (rows.length <= q.limit) return { items: rows.map(toListItem), nextCursor: null };
  // Drop the partial last event; if the page is one event with more runs than the limit, take all of its runs.
  const lastErow = rows[q.limit]!.erow!;
  let page = rows.slice(0, q.limit).filter((r) => r.erow !== lastErow);
  if (page.length === 0) {
    // Bound as BigInt: better-sqlite3 binds JS numbers as REAL, and FTS5 ignores `rowid = <real>` with a MATCH
    // (it returned every match).
    const oneEvent = `select ${NAME_COLUMNS} from (${inner('and f.rowid = @erow', '')}) p ${NAME_JOINS} order by p.id desc`;
    page = cachedStatement(reader, oneEvent).all({ ...params, fts, erow: BigInt(lastErow) }) as RunRow[];
  }
  return { items: page.map(toListItem), nextCursor: String(page[page.length - 1]!.erow) };
}

/** Current state of specific runs (live views refresh the rows that are not final yet). */
export function getRunsByIds(user: Owner, ids: string[]): RunListItem[] {
  const unique = [...new Set(ids)].slice(0, 200);
  if (unique.length === 0) return [];
  const { sqlite } = getDbHandle();
  const sql = `select ${NAME_COLUMNS} from (
      select ${RUN_COLUMNS} from runs r where r.user_id = @userId and r.id in (select value from json_each(@ids))
    ) p ${NAME_JOINS} order by p.id desc`;
  return (cachedStatement(sqlite, sql).all({ userId: user.id, ids: JSON.stringify(unique) }) as RunRow[]).map(
    toListItem,
  );
}

/** How many runs match a filter, counting at most `cap` (the UI shows "10,000+"). */
export function countRuns(user: Owner, filter: RunFilter, cap = 10_000): { count: number; capped: boolean } {
  const q = parseInput(runListQuery, { ...filter, limit: 1 });
  const fts = q.q ? toFtsQuery(q.q) : null;
  const { sqlite } = getDbHandle();
  const db = fts ? catchUpSearchIndex(sqlite) : sqlite;
  const { where, params } = filterConditions(user, q);
  const sql = fts
    ? `select count(*) as n from (select 1 from search.events_fts f join events e on e.rowid = f.rowid
         join runs r on r.event_id = e.id
         where events_fts match @fts and e.user_id = @userId and ${where.join(' and ')} limit @cap)`
    : `select count(*) as n from (select 1 from runs r where ${where.join(' and ')} limit @cap)`;
  const { n } = cachedStatement(db, sql).get({ ...params, ...(fts ? { fts } : {}), cap: cap + 1 }) as {
    n: number;
  };
  return { count: Math.min(n, cap), capped: n > cap };
}

function timeParam(value: string | null, name: string): number | undefined {
  if (!value) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(n))
    throw new ValidationError(`${name} must be a date (ISO 8601) or epoch milliseconds`);
  return n;
}

/** `?status=&automationId=&hookId=&eventId=&triggerType=&from=&to=&q=&cursor=&after=` → list query. */
export function runsQueryFromUrl(url: URL, limit: number): RunListQuery {
  const get = (k: string) => url.searchParams.get(k)?.trim() || undefined;
  return {
    status: get('status') as RunStatus | undefined,
    automationId: get('automationId'),
    hookId: get('hookId'),
    eventId: get('eventId'),
    triggerType: get('triggerType') as RunListQuery['triggerType'],
    from: timeParam(url.searchParams.get('from'), 'from'),
    to: timeParam(url.searchParams.get('to'), 'to'),
    q: get('q'),
    cursor: get('cursor'),
    after: get('after'),
    limit,
  };
}
