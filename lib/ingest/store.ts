import { getDbHandle } from '@/db/client';
import { wakeWorker } from '@/lib/delivery/queue';
import { newId } from '@/lib/ids';
import { insertRunsForEvent, type RunTarget } from '@/lib/runs/create';
import { webhookAutomations } from './hook-loader';

export const DEDUPE_WINDOW_MS = 24 * 3600_000;
/** Rejected requests kept per hook (metadata only); older ones are trimmed so a flood cannot fill the disk. */
export const REJECTED_KEEP_PER_HOOK = 500;

export interface EventRecord {
  hookId: string;
  userId: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  contentType: string | null;
  size: number;
  sourceIp: string;
  verification: string;
  receivedAt: number;
}

export interface AcceptedRecord extends EventRecord {
  bodyRaw: Buffer;
  bodyKind: string;
  bodyParsed: unknown;
  dedupeKey: string | null;
}

export interface RejectedRecord extends EventRecord {
  rejectStatus: number;
  rejectReason: string;
}

export type StoreResult =
  { id: string; duplicate: false; runIds: string[] } | { id: string; duplicate: true; firstId: string };

type Pending =
  | {
      kind: 'accept';
      record: AcceptedRecord;
      resolve: (r: StoreResult) => void;
      reject: (e: unknown) => void;
    }
  | {
      kind: 'reject';
      record: RejectedRecord;
      resolve: (r: StoreResult) => void;
      reject: (e: unknown) => void;
    };

// Group commit: requests that finish parsing in the same turn of the event loop are written in ONE transaction, so
// one fsync (synchronous=FULL) acknowledges all of them. While a commit runs, new requests queue for the next one.
let queue: Pending[] = [];
let scheduled = false;

function prepare() {
  const { sqlite } = getDbHandle();
  return {
    sqlite,
    insertEvent: sqlite.prepare(
      `insert into events (id, user_id, hook_id, source, outcome, reject_status, reject_reason, method, path, query, headers,
         content_type, size, body_raw, body_kind, body_parsed, source_ip, verification, dedupe_key, duplicate_of, received_at)
       values (@id, @userId, @hookId, 'webhook', @outcome, @rejectStatus, @rejectReason, @method, @path, @query, @headers,
         @contentType, @size, @bodyRaw, @bodyKind, @bodyParsed, @sourceIp, @verification, @dedupeKey, @duplicateOf, @receivedAt)`,
    ),
    findDedupe: sqlite.prepare(`select event_id, created_at from event_dedupe where hook_id = ? and key = ?`),
    upsertDedupe: sqlite.prepare(
      `insert into event_dedupe (hook_id, key, event_id, created_at) values (?, ?, ?, ?)
       on conflict (hook_id, key) do update set event_id = excluded.event_id, created_at = excluded.created_at`,
    ),
    touchHook: sqlite.prepare(`update hooks set last_event_at = ? where id = ?`),
    countRejected: sqlite.prepare(
      `update hooks set rejected_count = rejected_count + 1 where id = ? returning rejected_count`,
    ),
    trimRejected: sqlite.prepare(
      `delete from events where hook_id = ? and outcome = 'rejected' and id < (
         select id from events where hook_id = ? and outcome = 'rejected' order by id desc limit 1 offset ?)`,
    ),
  };
}

let prepared: ReturnType<typeof prepare> | null = null;
function stmts() {
  if (!prepared || prepared.sqlite !== getDbHandle().sqlite) prepared = prepare();
  return prepared;
}

function baseRow(id: string, r: EventRecord) {
  return {
    id,
    userId: r.userId,
    hookId: r.hookId,
    method: r.method,
    path: r.path,
    query: JSON.stringify(r.query),
    headers: JSON.stringify(r.headers),
    contentType: r.contentType,
    size: r.size,
    sourceIp: r.sourceIp,
    verification: r.verification,
    receivedAt: r.receivedAt,
    rejectStatus: null as number | null,
    rejectReason: null as string | null,
    bodyRaw: null as Buffer | null,
    bodyKind: null as string | null,
    bodyParsed: null as string | null,
    dedupeKey: null as string | null,
    duplicateOf: null as string | null,
  };
}

interface BatchState {
  touched: Map<string, number>;
  automations: Map<string, RunTarget[]>;
}

function storeOne(s: ReturnType<typeof prepare>, p: Pending, batch: BatchState): StoreResult {
  const id = newId('evt');
  if (p.kind === 'reject') {
    const r = p.record;
    s.insertEvent.run({
      ...baseRow(id, r),
      outcome: 'rejected',
      rejectStatus: r.rejectStatus,
      rejectReason: r.rejectReason,
    });
    const { rejected_count } = s.countRejected.get(r.hookId) as { rejected_count: number };
    if (rejected_count % 50 === 0) s.trimRejected.run(r.hookId, r.hookId, REJECTED_KEEP_PER_HOOK - 1);
    return { id, duplicate: false, runIds: [] };
  }
  const r = p.record;
  const row = {
    ...baseRow(id, r),
    bodyRaw: r.bodyRaw,
    bodyKind: r.bodyKind,
    // A JSON body's raw text already is its parsed form's JSON: no need to stringify it again.
    bodyParsed:
      r.bodyKind === 'json' && r.bodyRaw[0] !== 0xef
        ? r.bodyRaw.toString('utf8')
        : r.bodyParsed === undefined
          ? null
          : JSON.stringify(r.bodyParsed),
    dedupeKey: r.dedupeKey,
  };
  if (r.dedupeKey) {
    const first = s.findDedupe.get(r.hookId, r.dedupeKey) as
      { event_id: string; created_at: number } | undefined;
    if (first && r.receivedAt - first.created_at < DEDUPE_WINDOW_MS) {
      s.insertEvent.run({
        ...row,
        outcome: 'duplicate',
        duplicateOf: first.event_id,
        bodyRaw: null,
        bodyParsed: null,
      });
      return { id, duplicate: true, firstId: first.event_id };
    }
  }
  s.insertEvent.run({ ...row, outcome: 'accepted' });
  if (r.dedupeKey) s.upsertDedupe.run(r.hookId, r.dedupeKey, id, r.receivedAt);
  batch.touched.set(r.hookId, r.receivedAt);
  let targets = batch.automations.get(r.hookId);
  if (!targets) batch.automations.set(r.hookId, (targets = webhookAutomations(r.hookId)));
  const runIds = insertRunsForEvent(s.sqlite, { id, hookId: r.hookId }, targets, {
    now: r.receivedAt,
  });
  return { id, duplicate: false, runIds };
}

function flush(): void {
  scheduled = false;
  const batch = queue;
  queue = [];
  if (batch.length === 0) return;
  const s = stmts();
  const results: StoreResult[] = [];
  try {
    s.sqlite.transaction(() => {
      // Per batch, not per event: the hooks' automations are read once, and last_event_at written once.
      const state: BatchState = { touched: new Map(), automations: new Map() };
      for (const p of batch) results.push(storeOne(s, p, state));
      for (const [hookId, at] of state.touched) s.touchHook.run(at, hookId);
    })();
  } catch (error) {
    // Nothing of this batch is committed: every request in it gets an error answer (never a 2xx).
    for (const p of batch) p.reject(error);
    return;
  }
  batch.forEach((p, i) => p.resolve(results[i]));
  if (results.some((r) => !r.duplicate && r.runIds.length > 0)) wakeWorker();
}

function enqueue(p: Pending): void {
  queue.push(p);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

export function storeAccepted(record: AcceptedRecord): Promise<StoreResult> {
  return new Promise((resolve, reject) => enqueue({ kind: 'accept', record, resolve, reject }));
}

export function storeRejected(record: RejectedRecord): Promise<StoreResult> {
  return new Promise((resolve, reject) => enqueue({ kind: 'reject', record, resolve, reject }));
}
