import type Database from 'better-sqlite3';
import { enqueueRunBatch } from '@/lib/delivery/queue';
import { asBuffer } from '@/lib/events/parsed-body';
import { newId } from '@/lib/ids';
import { insertRunsForEvent, type RunTarget } from '@/lib/runs/create';

export const DEDUPE_WINDOW_MS = 24 * 3600_000;
/** Rejected requests kept per hook (metadata only); older ones are trimmed so a flood cannot fill the disk. */
export const REJECTED_KEEP_PER_HOOK = 500;
/** Deletes a hook's rejected requests older than its newest `?`+1, through events_rejected_idx (rejected ones only). */
const TRIM_REJECTED_SQL = `delete from events indexed by events_rejected_idx
  where hook_id = ? and outcome = 'rejected' and id < (
    select id from events indexed by events_rejected_idx
    where hook_id = ? and outcome = 'rejected' order by id desc limit 1 offset ?)`;

/** One request as the writer stores it: plain strings and bytes, cheap to pass to the writer thread. */
export interface WriteItem {
  kind: 'accept' | 'reject';
  hookId: string;
  userId: string;
  method: string;
  path: string;
  queryJson: string;
  headersJson: string;
  contentType: string | null;
  size: number;
  sourceIp: string;
  verification: string;
  receivedAt: number;
  rejectStatus: number | null;
  rejectReason: string | null;
  bodyRaw: Uint8Array | null;
  bodyKind: string | null;
  bodyParsedJson: string | null;
  dedupeKey: string | null;
}

export type StoreResult =
  { id: string; duplicate: false; runIds: string[] } | { id: string; duplicate: true; firstId: string };

function prepare(sqlite: Database.Database) {
  return {
    insertEvent: sqlite.prepare(
      `insert into events (id, user_id, hook_id, source, outcome, reject_status, reject_reason, method, path, query, headers,
         content_type, size, body_raw, body_kind, body_parsed, source_ip, verification, dedupe_key, duplicate_of, received_at)
       values (?, ?, ?, 'webhook', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    trimRejected: sqlite.prepare(TRIM_REJECTED_SQL),
    automations: sqlite.prepare(
      `select id, user_id as userId, version, trigger_type as triggerType from automations
       where hook_id = ? and trigger_type = 'webhook' and enabled = 1 order by id`,
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

function insertEvent(
  s: Statements,
  id: string,
  r: WriteItem,
  outcome: string,
  body: { raw: Buffer | null; parsed: string | null },
  duplicateOf: string | null = null,
): void {
  s.insertEvent.run(
    id,
    r.userId,
    r.hookId,
    outcome,
    r.rejectStatus,
    r.rejectReason,
    r.method,
    r.path,
    r.queryJson,
    r.headersJson,
    r.contentType,
    r.size,
    body.raw,
    r.bodyKind,
    body.parsed,
    r.sourceIp,
    r.verification,
    r.dedupeKey,
    duplicateOf,
    r.receivedAt,
  );
}

interface BatchState {
  touched: Map<string, number>;
  automations: Map<string, RunTarget[]>;
  /** The commit's runs, queued as one batch (RUN_BATCH, lib/delivery/queue.ts). */
  runIds: string[];
  firstAt: number;
}

function storeOne(sqlite: Database.Database, s: Statements, r: WriteItem, batch: BatchState): StoreResult {
  const id = newId('evt');
  if (r.kind === 'reject') {
    insertEvent(s, id, r, 'rejected', { raw: null, parsed: null });
    const { rejected_count } = s.countRejected.get(r.hookId) as { rejected_count: number };
    if (rejected_count % 50 === 0) s.trimRejected.run(r.hookId, r.hookId, REJECTED_KEEP_PER_HOOK - 1);
    return { id, duplicate: false, runIds: [] };
  }
  if (r.dedupeKey) {
    const first = s.findDedupe.get(r.hookId, r.dedupeKey) as
      { event_id: string; created_at: number } | undefined;
    if (first && r.receivedAt - first.created_at < DEDUPE_WINDOW_MS) {
      insertEvent(s, id, r, 'duplicate', { raw: null, parsed: null }, first.event_id);
      return { id, duplicate: true, firstId: first.event_id };
    }
  }
  insertEvent(s, id, r, 'accepted', { raw: r.bodyRaw && asBuffer(r.bodyRaw), parsed: r.bodyParsedJson });
  if (r.dedupeKey) s.upsertDedupe.run(r.hookId, r.dedupeKey, id, r.receivedAt);
  batch.touched.set(r.hookId, r.receivedAt);
  let targets = batch.automations.get(r.hookId);
  if (!targets) batch.automations.set(r.hookId, (targets = s.automations.all(r.hookId) as RunTarget[]));
  const runIds = insertRunsForEvent(sqlite, { id, hookId: r.hookId }, targets, {
    now: r.receivedAt,
    batch: batch.runIds,
  });
  if (runIds.length > 0) batch.firstAt = Math.min(batch.firstAt, r.receivedAt);
  return { id, duplicate: false, runIds };
}

const statements = new WeakMap<Database.Database, Statements>();

/**
 * Stores a batch of requests in ONE transaction: each accepted event with a run per enabled webhook automation of its
 * hook (read in the same transaction, so none is missed) and one batch queuing all those runs, duplicates and
 * rejections as metadata.
 * All or nothing: on an error nothing of the batch is stored.
 */
export function writeEvents(sqlite: Database.Database, items: WriteItem[]): StoreResult[] {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepare(sqlite)));
  const results: StoreResult[] = [];
  sqlite.transaction(() => {
    // Per batch, not per event: the hooks' automations are read once, and last_event_at written once.
    const state: BatchState = { touched: new Map(), automations: new Map(), runIds: [], firstAt: Infinity };
    for (const item of items) results.push(storeOne(sqlite, s, item, state));
    for (const [hookId, at] of state.touched) s.touchHook.run(at, hookId);
    if (state.runIds.length > 0) enqueueRunBatch(sqlite, state.runIds, state.firstAt);
  })();
  return results;
}
