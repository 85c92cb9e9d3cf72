import type Database from 'better-sqlite3';
import { trigger as triggerSchema, type Trigger } from '@/lib/automations/definition';
import { nextCronTime } from './timing';

// trigger_state rows: one per enabled schedule/poll/silence automation, with the next fire time and a lease. Every
// claim is one UPDATE … RETURNING guarded by the lease, so with several processes on one file exactly one wins; the
// winner's final write checks that its lease (lease_until doubles as the claim token) is still the current one.

export type PullTriggerType = 'schedule' | 'poll' | 'silence';

/** The JSON in trigger_state.state: which automation version the row was set up for, and the last poll. */
export interface TriggerStateJson {
  version?: number;
  config?: Trigger;
  lastPoll?: { at: number; status: number | null; items: number; newItems: number; ok: boolean };
}

export interface ClaimedTrigger {
  automationId: string;
  userId: string;
  version: number;
  enabled: boolean;
  triggerType: PullTriggerType;
  trigger: Trigger;
  name: string;
  automationCreatedAt: number;
  nextFireAt: number;
  leaseUntil: number;
  lastFiredAt: number | null;
  armed: boolean;
  baselineTaken: boolean;
  consecutiveFailures: number;
  state: TriggerStateJson;
}

interface SyncRow {
  id: string;
  version: number;
  trigger: string;
  trigger_type: PullTriggerType;
  has_state: number;
  state: string | null;
  next_fire_at: number | null;
}

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(sqlite: Database.Database) {
  return {
    needingSync: sqlite.prepare(
      `select a.id, a.version, a.trigger, a.trigger_type, ts.automation_id is not null as has_state, ts.state,
              ts.next_fire_at
         from automations a left join trigger_state ts on ts.automation_id = a.id
        where a.enabled = 1 and a.trigger_type in ('schedule', 'poll', 'silence')
          and (ts.automation_id is null or ts.next_fire_at is null
               or json_extract(ts.state, '$.version') is null or json_extract(ts.state, '$.version') != a.version)`,
    ),
    insertState: sqlite.prepare(
      `insert into trigger_state (automation_id, next_fire_at, armed, baseline_taken, consecutive_failures, state)
       values (@id, @nextFireAt, 1, 0, 0, @state) on conflict (automation_id) do nothing`,
    ),
    resetState: sqlite.prepare(
      `update trigger_state set next_fire_at = @nextFireAt, state = @state, armed = 1, last_fired_at = null,
              baseline_taken = 0, consecutive_failures = 0, last_error = null, last_error_at = null
        where automation_id = @id`,
    ),
    retimeState: sqlite.prepare(
      `update trigger_state set next_fire_at = @nextFireAt, state = @state where automation_id = @id`,
    ),
    forgetKeys: sqlite.prepare(`delete from poll_seen_keys where automation_id = ?`),
    parkable: sqlite.prepare(
      `select ts.automation_id from trigger_state ts join automations a on a.id = ts.automation_id
        where ts.next_fire_at is not null and (a.enabled = 0 or a.trigger_type = 'webhook') limit 100`,
    ),
    park: sqlite.prepare(`update trigger_state set next_fire_at = null where automation_id = ?`),
    candidates: sqlite.prepare(
      `select ts.automation_id from trigger_state ts join automations a on a.id = ts.automation_id
        where ts.next_fire_at <= @now and (ts.lease_until is null or ts.lease_until < @now)
          and a.enabled = 1 and a.trigger_type in ('schedule', 'poll', 'silence')
        order by ts.next_fire_at limit @limit`,
    ),
    claim: sqlite.prepare(
      `update trigger_state set lease_until = @leaseUntil
        where automation_id = @id and next_fire_at <= @now and (lease_until is null or lease_until < @now)
          and exists (select 1 from automations a where a.id = @id and a.enabled = 1)
        returning automation_id, next_fire_at, lease_until, last_fired_at, armed, baseline_taken,
                  consecutive_failures, state`,
    ),
    automation: sqlite.prepare(
      `select id, user_id, version, enabled, trigger_type, trigger, name, created_at from automations where id = ?`,
    ),
    release: sqlite.prepare(
      `update trigger_state set lease_until = null where automation_id = ? and lease_until = ?`,
    ),
  };
}

export function triggerStatements(sqlite: Database.Database) {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepare(sqlite)));
  return s;
}

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

function parseTrigger(text: string): Trigger | null {
  const parsed = triggerSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

/** When a freshly set-up trigger first comes due. */
function firstFireAt(trigger: Trigger, now: number): number {
  // A cron with no next time (it was valid when saved) is looked at again a day later.
  if (trigger.type === 'schedule')
    return nextCronTime(trigger.cron, trigger.timezone, now) ?? now + 86_400_000;
  // A poll takes its baseline at once; a silence trigger checks its hook at once (and sets its own time).
  return now;
}

function pollIdentity(t: Trigger): string | null {
  return t.type === 'poll'
    ? JSON.stringify([t.url, t.method ?? 'GET', t.headers ?? {}, t.items, t.key])
    : null;
}

/** Whether the trigger changed enough that its state must start over (the poll baseline, the silence arming). */
function identityChanged(before: Trigger | undefined, after: Trigger): boolean {
  if (!before || before.type !== after.type) return true;
  if (after.type === 'poll') return pollIdentity(before) !== pollIdentity(after);
  if (after.type === 'silence') return before.type === 'silence' && before.hookId !== after.hookId;
  return false;
}

function timingChanged(before: Trigger | undefined, after: Trigger): boolean {
  if (!before || before.type !== after.type) return true;
  if (after.type === 'schedule' && before.type === 'schedule') {
    return before.cron !== after.cron || (before.timezone || 'UTC') !== (after.timezone || 'UTC');
  }
  if (after.type === 'poll' && before.type === 'poll')
    return before.intervalSeconds !== after.intervalSeconds;
  if (after.type === 'silence' && before.type === 'silence')
    return before.afterSeconds !== after.afterSeconds;
  return false;
}

/**
 * Creates the state rows of new pull triggers and brings rows up to date after an edit or a re-enable: a changed
 * poll request (URL, headers, items, key) starts a new baseline; a changed cron or interval is re-timed. Also
 * parks (next_fire_at = null) the rows of disabled automations, so re-enabling one starts from now, not with a
 * fire for the time it was off.
 */
export function syncTriggerStates(sqlite: Database.Database, now = Date.now()): void {
  const s = triggerStatements(sqlite);
  for (const { automation_id } of s.parkable.all() as { automation_id: string }[]) {
    s.park.run(automation_id);
  }
  const rows = s.needingSync.all() as SyncRow[];
  for (const row of rows) {
    const trigger = parseTrigger(row.trigger);
    if (!trigger || trigger.type === 'webhook') continue;
    const state: TriggerStateJson = { ...(parseJson<TriggerStateJson>(row.state) ?? {}) };
    const before = state.config;
    const next = firstFireAt(trigger, now);
    const newState = JSON.stringify({ ...state, version: row.version, config: trigger });
    sqlite.transaction(() => {
      if (!row.has_state) {
        s.insertState.run({ id: row.id, nextFireAt: next, state: newState });
      } else if (identityChanged(before, trigger)) {
        s.resetState.run({ id: row.id, nextFireAt: next, state: newState });
        s.forgetKeys.run(row.id);
      } else if (row.next_fire_at === null || timingChanged(before, trigger)) {
        s.retimeState.run({ id: row.id, nextFireAt: next, state: newState });
      } else {
        s.retimeState.run({ id: row.id, nextFireAt: row.next_fire_at, state: newState });
      }
    })();
  }
}

interface ClaimRow {
  automation_id: string;
  next_fire_at: number;
  lease_until: number;
  last_fired_at: number | null;
  armed: number;
  baseline_taken: number;
  consecutive_failures: number;
  state: string | null;
}

interface AutomationRowRaw {
  id: string;
  user_id: string;
  version: number;
  enabled: number;
  trigger_type: string;
  trigger: string;
  name: string;
  created_at: number;
}

/** Claims up to `limit` due triggers of enabled automations; each is ours until `leaseMs` from now. */
export function claimDueTriggers(
  sqlite: Database.Database,
  options: { limit: number; leaseMs: number; now?: number; skip?: Set<string> },
): ClaimedTrigger[] {
  const now = options.now ?? Date.now();
  const s = triggerStatements(sqlite);
  if (options.limit <= 0) return [];
  const candidates = s.candidates.all({ now, limit: options.limit + (options.skip?.size ?? 0) }) as {
    automation_id: string;
  }[];
  const claimed: ClaimedTrigger[] = [];
  for (const { automation_id: id } of candidates) {
    if (claimed.length >= options.limit) break;
    if (options.skip?.has(id)) continue;
    const row = s.claim.get({ id, now, leaseUntil: now + options.leaseMs }) as ClaimRow | undefined;
    if (!row) continue; // another process claimed it first
    const a = s.automation.get(id) as AutomationRowRaw | undefined;
    const trigger = a && parseTrigger(a.trigger);
    if (!a || !trigger || trigger.type === 'webhook') {
      s.release.run(id, row.lease_until);
      continue;
    }
    claimed.push({
      automationId: id,
      userId: a.user_id,
      version: a.version,
      enabled: !!a.enabled,
      triggerType: trigger.type,
      trigger,
      name: a.name,
      automationCreatedAt: a.created_at,
      nextFireAt: row.next_fire_at,
      leaseUntil: row.lease_until,
      lastFiredAt: row.last_fired_at,
      armed: !!row.armed,
      baselineTaken: !!row.baseline_taken,
      consecutiveFailures: row.consecutive_failures,
      state: parseJson<TriggerStateJson>(row.state) ?? {},
    });
  }
  return claimed;
}

/** Whether the automation is still enabled and at the claimed version: checked inside the final transaction. */
export function stillCurrent(sqlite: Database.Database, claim: ClaimedTrigger): boolean {
  const a = triggerStatements(sqlite).automation.get(claim.automationId) as AutomationRowRaw | undefined;
  return !!a && !!a.enabled && a.version === claim.version;
}

export function releaseTrigger(sqlite: Database.Database, claim: ClaimedTrigger): void {
  triggerStatements(sqlite).release.run(claim.automationId, claim.leaseUntil);
}
