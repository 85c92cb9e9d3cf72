import type Database from 'better-sqlite3';
import { getDbHandle } from '@/db/client';
import { newId } from '@/lib/ids';
import type { AlertRuleKind } from './kinds';
import { enqueueNotices, wakeForNotices } from './notify';
import { isRuleActive, ruleFor } from './rules';

// Grouping: one open alert per (user, kind, subject). A repeat within the rule's window bumps its count and lastAt
// and notifies nobody; channels hear about an alert when it opens and when it resolves.

export interface RaiseInput {
  userId: string;
  kind: AlertRuleKind;
  subjectKey: string;
  title: string;
  message: string;
  link?: string | null;
  automationId?: string | null;
  hookId?: string | null;
  host?: string | null;
}

export type RaiseOutcome = { alertId: string; opened: boolean } | null;

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(sqlite: Database.Database) {
  return {
    open: sqlite.prepare(
      `select id, last_at from alerts where kind = ? and subject_key = ? and status = 'open' and user_id = ?
       order by id desc limit 1`,
    ),
    bump: sqlite.prepare(`update alerts set count = count + 1, last_at = ?, message = ? where id = ?`),
    expire: sqlite.prepare(`update alerts set status = 'resolved', resolved_at = ? where id = ?`),
    insert: sqlite.prepare(
      `insert into alerts (id, user_id, kind, subject_key, status, title, message, link, automation_id, hook_id, host,
         count, first_at, last_at)
       values (@id, @userId, @kind, @subjectKey, 'open', @title, @message, @link, @automationId, @hookId, @host,
         1, @now, @now)`,
    ),
    openFor: sqlite.prepare(
      `select id, user_id from alerts where kind = ? and subject_key = ? and status = 'open'`,
    ),
    resolve: sqlite.prepare(
      `update alerts set status = 'resolved', resolved_at = ? where id = ? and status = 'open'`,
    ),
  };
}

function stmts() {
  const { sqlite } = getDbHandle();
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepare(sqlite)));
  return { sqlite, s };
}

export function raiseAlert(input: RaiseInput, now = Date.now()): RaiseOutcome {
  const rule = ruleFor(input.userId, input.kind);
  if (!isRuleActive(rule, now)) return null;
  const { sqlite, s } = stmts();
  let notices = 0;
  const outcome = sqlite.transaction((): RaiseOutcome => {
    const open = s.open.get(input.kind, input.subjectKey, input.userId) as
      { id: string; last_at: number } | undefined;
    if (open && open.last_at >= now - rule.windowMinutes * 60_000) {
      s.bump.run(now, input.message, open.id);
      return { alertId: open.id, opened: false };
    }
    // The same cause, quiet for longer than the window: close the old alert silently and start a new one.
    if (open) s.expire.run(now, open.id);
    const id = newId('alr');
    s.insert.run({
      id,
      userId: input.userId,
      kind: input.kind,
      subjectKey: input.subjectKey,
      title: input.title,
      message: input.message,
      link: input.link ?? null,
      automationId: input.automationId ?? null,
      hookId: input.hookId ?? null,
      host: input.host ?? null,
      now,
    });
    notices = enqueueNotices(sqlite, input.userId, id, 'opened', now);
    return { alertId: id, opened: true };
  })();
  wakeForNotices(notices);
  return outcome;
}

/** Resolves the open alerts of a cause (every user's when userId is omitted: a host is shared). */
export function resolveAlerts(
  kind: AlertRuleKind,
  subjectKey: string,
  userId?: string,
  now = Date.now(),
): number {
  const { sqlite, s } = stmts();
  let notices = 0;
  const resolved = sqlite.transaction(() => {
    const open = (s.openFor.all(kind, subjectKey) as { id: string; user_id: string }[]).filter(
      (a) => !userId || a.user_id === userId,
    );
    let n = 0;
    for (const a of open) {
      if (s.resolve.run(now, a.id).changes !== 1) continue;
      n++;
      if (isRuleActive(ruleFor(a.user_id, kind), now)) {
        notices += enqueueNotices(sqlite, a.user_id, a.id, 'resolved', now);
      }
    }
    return n;
  })();
  wakeForNotices(notices);
  return resolved;
}

/** Open alerts by kind → subject keys, for the engine's in-memory checks. */
export function openAlertSubjects(): Map<AlertRuleKind, Set<string>> {
  const { sqlite } = stmts();
  const rows = sqlite
    .prepare(`select distinct kind, subject_key from alerts where status = 'open'`)
    .all() as { kind: AlertRuleKind; subject_key: string }[];
  const map = new Map<AlertRuleKind, Set<string>>();
  for (const r of rows) {
    if (!map.has(r.kind)) map.set(r.kind, new Set());
    map.get(r.kind)!.add(r.subject_key);
  }
  return map;
}
