import type Database from 'better-sqlite3';
import type { EventRow } from '@/lib/automations/render';
import { asBuffer } from '@/lib/events/parsed-body';

// What a delivery reads about its run before it starts. The bookkeeping writer reads it in the claim's transaction
// (lib/delivery/bookkeeping.ts), on its own thread, and hands it over with the job: the event loop runs no SQL for
// a delivery.

export interface RunRow {
  id: string;
  user_id: string;
  automation_id: string;
  automation_version: number;
  event_id: string;
  status: string;
  filter_result: number | null;
}

export interface StepRow {
  idx: number;
  status: string;
  result: string | null;
  attempt_base: number;
}

export type { EventRow };

export interface RunState {
  run: RunRow | null;
  event: EventRow | null;
  steps: StepRow[];
  /** Highest attempt number recorded per step index. */
  maxAttempts: Record<number, number>;
}

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(sqlite: Database.Database) {
  return {
    run: sqlite.prepare(
      `select id, user_id, automation_id, automation_version, event_id, status, filter_result from runs where id = ?`,
    ),
    // Only what a delivery uses, mapped by hand: drizzle's row mapping cost more than the query.
    event: sqlite.prepare(
      `select id, hook_id, source, method, query, headers, content_type, body_raw, body_kind, body_parsed,
         source_ip, received_at from events where id = ?`,
    ),
    steps: sqlite.prepare(
      `select idx, status, result, attempt_base from steps where run_id = ? order by idx`,
    ),
    maxAttempts: sqlite.prepare(
      `select step_index as idx, max(n) as n from attempts where run_id = ? group by step_index`,
    ),
  };
}

export function readRunState(sqlite: Database.Database, runId: string): RunState {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepare(sqlite)));
  const run = (s.run.get(runId) as RunRow | undefined) ?? null;
  if (!run) return { run, event: null, steps: [], maxAttempts: {} };
  const maxAttempts: Record<number, number> = {};
  for (const r of s.maxAttempts.all(runId) as { idx: number; n: number }[]) maxAttempts[r.idx] = r.n;
  return {
    run,
    event: eventRow(s.event.get(run.event_id) as EventColumns | undefined),
    steps: s.steps.all(runId) as StepRow[],
    maxAttempts,
  };
}

interface EventColumns {
  id: string;
  hook_id: string | null;
  source: EventRow['source'];
  method: string;
  query: string | null;
  headers: string | null;
  content_type: string | null;
  body_raw: Buffer | null;
  body_kind: string | null;
  body_parsed: string | null;
  source_ip: string | null;
  received_at: number;
}

const json = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

function eventRow(r: EventColumns | undefined): EventRow | null {
  if (!r) return null;
  return {
    id: r.id,
    hookId: r.hook_id,
    source: r.source,
    method: r.method,
    query: json(r.query),
    headers: json(r.headers),
    contentType: r.content_type,
    bodyRaw: r.body_raw,
    bodyKind: r.body_kind,
    bodyParsed: json(r.body_parsed),
    sourceIp: r.source_ip,
    receivedAt: r.received_at,
  };
}

/** A state that crossed from the bookkeeping thread: the event's body bytes arrive as a Uint8Array. */
export function receivedRunState(state: RunState): RunState {
  if (state.event?.bodyRaw) state.event.bodyRaw = asBuffer(state.event.bodyRaw);
  return state;
}
