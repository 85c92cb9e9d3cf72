import type Database from 'better-sqlite3';
import { emitTriggerSignal } from '@/lib/alerts/signals'; // alerts (issue 8)
import { newId } from '@/lib/ids';
import { insertRunsForEvent } from '@/lib/runs/create';
import { loadSecretValues, referencedSecretNames } from '@/lib/secrets/secrets';
import { performPoll, type PollOutcome } from './poll-request';
import { releaseTrigger, stillCurrent, type ClaimedTrigger, type TriggerStateJson } from './state';
import { nextCronTime, pollDelayMs, SEEN_KEYS_PER_AUTOMATION, silenceRecheckMs } from './timing';

// What a claimed trigger does. Each ends in ONE transaction that re-checks the lease, the automation's `enabled`
// and version, then writes the events, their runs and jobs, and the trigger's next state together: a trigger that
// lost its lease, or whose automation was disabled or edited meanwhile, writes nothing.

const DAY_MS = 86_400_000;

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(sqlite: Database.Database) {
  return {
    insertEvent: sqlite.prepare(
      `insert into events (id, user_id, hook_id, source, outcome, method, path, query, headers, content_type, size,
         body_raw, body_kind, body_parsed, meta, received_at)
       values (@id, @userId, null, @source, 'accepted', 'GET', '', '{}', '{}', 'application/json', @size,
         @bodyRaw, 'json', @bodyParsed, @meta, @receivedAt)`,
    ),
    afterFire: sqlite.prepare(
      `update trigger_state set next_fire_at = @nextFireAt, last_fired_at = @firedAt, last_success_at = @now,
              consecutive_failures = 0, last_error = null, last_error_at = null, lease_until = null
        where automation_id = @id and lease_until = @lease`,
    ),
    silenceUpdate: sqlite.prepare(
      `update trigger_state set next_fire_at = @nextFireAt, armed = @armed, last_fired_at = @firedAt,
              last_error = @error, last_error_at = @errorAt, lease_until = null
        where automation_id = @id and lease_until = @lease`,
    ),
    pollSuccess: sqlite.prepare(
      `update trigger_state set next_fire_at = @nextFireAt, baseline_taken = 1, last_success_at = @now,
              last_fired_at = coalesce(@firedAt, last_fired_at), consecutive_failures = 0, last_error = null,
              last_error_at = null, state = @state, lease_until = null
        where automation_id = @id and lease_until = @lease`,
    ),
    pollFailure: sqlite.prepare(
      `update trigger_state set next_fire_at = @nextFireAt, consecutive_failures = consecutive_failures + 1,
              last_error = @error, last_error_at = @now, state = @state, lease_until = null
        where automation_id = @id and lease_until = @lease`,
    ),
    isSeen: sqlite.prepare(`select 1 from poll_seen_keys where automation_id = ? and key = ?`),
    upsertKey: sqlite.prepare(
      `insert into poll_seen_keys (automation_id, key, seen_at) values (?, ?, ?)
       on conflict (automation_id, key) do update set seen_at = excluded.seen_at`,
    ),
    countKeys: sqlite.prepare(`select count(*) as n from poll_seen_keys where automation_id = ?`),
    trimKeys: sqlite.prepare(
      `delete from poll_seen_keys where automation_id = @id and rowid not in (
         select rowid from poll_seen_keys where automation_id = @id order by seen_at desc, rowid desc limit @keep)`,
    ),
    hook: sqlite.prepare(`select id, name, last_event_at from hooks where id = ? and user_id = ?`),
  };
}

function stmts(sqlite: Database.Database) {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepare(sqlite)));
  return s;
}

class LostLease extends Error {}

/** Inserts one trigger event (body = `body`, as JSON) and the automation's run and job. Returns the event id. */
function emitEvent(
  sqlite: Database.Database,
  claim: ClaimedTrigger,
  source: 'schedule' | 'poll' | 'silence',
  body: unknown,
  receivedAt: number,
  meta: Record<string, unknown>,
): string {
  const id = newId('evt');
  const json = JSON.stringify(body ?? null);
  const raw = Buffer.from(json, 'utf8');
  stmts(sqlite).insertEvent.run({
    id,
    userId: claim.userId,
    source,
    size: raw.length,
    bodyRaw: raw,
    bodyParsed: json,
    meta: JSON.stringify({ automationId: claim.automationId, ...meta }),
    receivedAt,
  });
  insertRunsForEvent(sqlite, { id, hookId: null }, [
    { id: claim.automationId, userId: claim.userId, version: claim.version, triggerType: source },
  ]);
  return id;
}

/**
 * Runs `work` in a transaction if the claim is still ours and the automation still enabled at the claimed version;
 * otherwise releases the claim. Returns whether the work ran.
 */
function commitIfCurrent(sqlite: Database.Database, claim: ClaimedTrigger, work: () => void): boolean {
  let current = true;
  try {
    sqlite.transaction(() => {
      current = stillCurrent(sqlite, claim);
      if (current) work();
    })();
  } catch (error) {
    if (error instanceof LostLease) return false;
    // Unexpected: keep the lease, so the trigger is retried when it expires rather than on every tick.
    throw error;
  }
  if (!current) releaseTrigger(sqlite, claim);
  return current;
}

function checkLease(changes: number): void {
  if (changes !== 1) throw new LostLease('The trigger was claimed by another process');
}

/** A schedule tick: one event at the scheduled time. Missed ticks (downtime) collapse into this one. */
export function fireSchedule(sqlite: Database.Database, claim: ClaimedTrigger, now = Date.now()): number {
  if (claim.trigger.type !== 'schedule') return 0;
  const t = claim.trigger;
  const timezone = t.timezone || 'UTC';
  const scheduledAt = claim.nextFireAt;
  let fired = 0;
  commitIfCurrent(sqlite, claim, () => {
    emitEvent(
      sqlite,
      claim,
      'schedule',
      { scheduledAt: new Date(scheduledAt).toISOString(), cron: t.cron, timezone },
      scheduledAt,
      { scheduledAt },
    );
    const next = nextCronTime(t.cron, timezone, Math.max(now, scheduledAt)) ?? now + DAY_MS;
    checkLease(
      stmts(sqlite).afterFire.run({
        id: claim.automationId,
        lease: claim.leaseUntil,
        nextFireAt: next,
        firedAt: scheduledAt,
        now,
      }).changes,
    );
    fired = 1;
  });
  return fired;
}

/**
 * A silence check. The hook's last accepted event (or, if it never got one, the automation's creation) is read
 * here rather than pushed by ingest, so the ingest hot path stays as it is: when armed and quiet for afterSeconds,
 * fire once and disarm; when disarmed, re-arm as soon as the hook has accepted an event since the last fire.
 */
export function checkSilence(sqlite: Database.Database, claim: ClaimedTrigger, now = Date.now()): number {
  if (claim.trigger.type !== 'silence') return 0;
  const t = claim.trigger;
  let fired = 0;
  commitIfCurrent(sqlite, claim, () => {
    const s = stmts(sqlite);
    const base = { id: claim.automationId, lease: claim.leaseUntil, firedAt: claim.lastFiredAt };
    const hook = s.hook.get(t.hookId, claim.userId) as
      { id: string; name: string; last_event_at: number | null } | undefined;
    if (!hook) {
      checkLease(
        s.silenceUpdate.run({
          ...base,
          nextFireAt: now + 60_000,
          armed: claim.armed ? 1 : 0,
          error: 'The hook no longer exists',
          errorAt: now,
        }).changes,
      );
      return;
    }
    let armed = claim.armed;
    if (!armed && hook.last_event_at !== null && hook.last_event_at > (claim.lastFiredAt ?? 0)) armed = true;
    const quietSince = hook.last_event_at ?? claim.automationCreatedAt;
    const due = quietSince + t.afterSeconds * 1000;
    if (!armed || due > now) {
      checkLease(
        s.silenceUpdate.run({
          ...base,
          nextFireAt: armed ? due : now + silenceRecheckMs(t.afterSeconds),
          armed: armed ? 1 : 0,
          error: null,
          errorAt: null,
        }).changes,
      );
      return;
    }
    emitEvent(
      sqlite,
      claim,
      'silence',
      {
        hookId: hook.id,
        hookName: hook.name,
        silentSince: new Date(quietSince).toISOString(),
        lastEventAt: hook.last_event_at === null ? null : new Date(hook.last_event_at).toISOString(),
        afterSeconds: t.afterSeconds,
      },
      now,
      { hookId: hook.id },
    );
    checkLease(
      s.silenceUpdate.run({
        ...base,
        nextFireAt: now + silenceRecheckMs(t.afterSeconds),
        armed: 0,
        firedAt: now,
        error: null,
        errorAt: null,
      }).changes,
    );
    fired = 1;
    emitTriggerSignal('silence_fired', claim, { hookId: hook.id }); // alerts (issue 8)
  });
  return fired;
}

function secretsFor(userId: string, texts: string[]): Record<string, string> {
  const used = [...new Set(texts.flatMap((text) => referencedSecretNames(text)))];
  return used.length === 0 ? {} : loadSecretValues(userId, { used });
}

/**
 * One poll. The first success records every key and starts no runs (the baseline); later ones turn each key not
 * seen before into an event and a run, in the order the `items` expression gives them (use e.g. `$reverse(…)` or
 * `items^(created)` for oldest first when the API lists newest first). Failures never touch the seen keys.
 */
export async function firePoll(
  sqlite: Database.Database,
  claim: ClaimedTrigger,
  started = Date.now(),
): Promise<number> {
  if (claim.trigger.type !== 'poll') return 0;
  const t = claim.trigger;
  let outcome: PollOutcome;
  try {
    outcome = await performPoll(t, secretsFor(claim.userId, [t.url, ...Object.values(t.headers ?? {})]));
  } catch (error) {
    outcome = { ok: false, status: null, error: `Poll failed: ${(error as Error).message}` };
  }
  const now = Date.now();
  let fired = 0;
  commitIfCurrent(sqlite, claim, () => {
    const s = stmts(sqlite);
    const lastPoll = (items: number, newItems: number): TriggerStateJson => ({
      ...claim.state,
      lastPoll: { at: now, status: outcome.status, items, newItems, ok: outcome.ok },
    });
    if (!outcome.ok) {
      const failures = claim.consecutiveFailures + 1;
      checkLease(
        s.pollFailure.run({
          id: claim.automationId,
          lease: claim.leaseUntil,
          nextFireAt: now + pollDelayMs(t.intervalSeconds, failures),
          error: outcome.error,
          now,
          state: JSON.stringify(lastPoll(0, 0)),
        }).changes,
      );
      emitTriggerSignal('poll_failing', claim, { failures, error: outcome.error }); // alerts (issue 8)
      return;
    }
    const fresh = new Set<string>();
    for (const { key, item } of outcome.items) {
      if (fresh.has(key)) continue; // the same key twice in one response is one item
      const seen = !!s.isSeen.get(claim.automationId, key);
      s.upsertKey.run(claim.automationId, key, now);
      if (seen || !claim.baselineTaken) continue;
      fresh.add(key);
      emitEvent(sqlite, claim, 'poll', item, now, { pollKey: key });
    }
    fired = fresh.size;
    if (claim.consecutiveFailures > 0) emitTriggerSignal('poll_recovered', claim, {}); // alerts (issue 8)
    const { n } = s.countKeys.get(claim.automationId) as { n: number };
    if (n > SEEN_KEYS_PER_AUTOMATION) {
      s.trimKeys.run({ id: claim.automationId, keep: SEEN_KEYS_PER_AUTOMATION });
    }
    checkLease(
      s.pollSuccess.run({
        id: claim.automationId,
        lease: claim.leaseUntil,
        nextFireAt: Math.max(started + t.intervalSeconds * 1000, now + 500),
        firedAt: fired > 0 ? now : null,
        now,
        state: JSON.stringify(lastPoll(outcome.items.length, fired)),
      }).changes,
    );
  });
  return fired;
}
