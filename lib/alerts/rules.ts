import type Database from 'better-sqlite3';
import { getDbHandle } from '@/db/client';
import { newId } from '@/lib/ids';
import { parseInput } from '@/lib/validation';
import { ALERT_RULE_KINDS, RULE_KINDS, type AlertRuleKind } from './kinds';
import { ruleKind, updateRuleInput } from './schema';

export interface AlertRule {
  id: string;
  kind: AlertRuleKind;
  enabled: boolean;
  threshold: number | null;
  minRuns: number | null;
  windowMinutes: number;
  mutedUntil: number | null;
}

interface RuleRow {
  id: string;
  kind: AlertRuleKind;
  enabled: number;
  threshold: number | null;
  min_runs: number | null;
  window_minutes: number;
  muted_until: number | null;
}

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(sqlite: Database.Database) {
  return {
    insert: sqlite.prepare(
      `insert into alert_rules (id, user_id, kind, enabled, threshold, min_runs, window_minutes, created_at, updated_at)
       values (?, ?, ?, 1, ?, ?, 15, ?, ?) on conflict (user_id, kind) do nothing`,
    ),
    list: sqlite.prepare(
      `select id, kind, enabled, threshold, min_runs, window_minutes, muted_until from alert_rules where user_id = ?`,
    ),
    one: sqlite.prepare(
      `select id, kind, enabled, threshold, min_runs, window_minutes, muted_until from alert_rules
       where user_id = ? and kind = ?`,
    ),
    update: sqlite.prepare(
      `update alert_rules set enabled = @enabled, threshold = @threshold, min_runs = @minRuns,
         window_minutes = @windowMinutes, muted_until = @mutedUntil, updated_at = @now
       where user_id = @userId and kind = @kind`,
    ),
  };
}

function stmts() {
  const { sqlite } = getDbHandle();
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepare(sqlite)));
  return s;
}

function toRule(r: RuleRow): AlertRule {
  return {
    id: r.id,
    kind: r.kind,
    enabled: r.enabled === 1,
    threshold: r.threshold,
    minRuns: r.min_runs,
    windowMinutes: r.window_minutes,
    mutedUntil: r.muted_until,
  };
}

// Users get their default rules on first use (the first alert signal or a visit to the settings), so no user
// creation path needs to know about alerts.
function ensureRules(userId: string): void {
  const s = stmts();
  const now = Date.now();
  for (const kind of ALERT_RULE_KINDS) {
    const d = RULE_KINDS[kind];
    s.insert.run(newId('arl'), userId, kind, d.defaultThreshold, d.defaultMinRuns, now, now);
  }
}

export function listRules(userId: string): AlertRule[] {
  let rows = stmts().list.all(userId) as RuleRow[];
  if (rows.length < ALERT_RULE_KINDS.length) {
    ensureRules(userId);
    rows = stmts().list.all(userId) as RuleRow[];
  }
  const order = new Map(ALERT_RULE_KINDS.map((k, i) => [k, i]));
  return rows.map(toRule).sort((a, b) => order.get(a.kind)! - order.get(b.kind)!);
}

export function ruleFor(userId: string, kind: AlertRuleKind): AlertRule {
  let row = stmts().one.get(userId, kind) as RuleRow | undefined;
  if (!row) {
    ensureRules(userId);
    row = stmts().one.get(userId, kind) as RuleRow;
  }
  return toRule(row);
}

export function isRuleActive(rule: AlertRule, now = Date.now()): boolean {
  return rule.enabled && !(rule.mutedUntil !== null && rule.mutedUntil > now);
}

export function updateRule(userId: string, kindInput: unknown, input: unknown): AlertRule {
  const kind = parseInput(ruleKind, kindInput, 'kind');
  const data = parseInput(updateRuleInput, input);
  const current = ruleFor(userId, kind);
  const now = Date.now();
  const mutedUntil =
    data.muteHours === undefined
      ? current.mutedUntil
      : data.muteHours === 0
        ? null
        : now + data.muteHours * 3_600_000;
  stmts().update.run({
    userId,
    kind,
    enabled: (data.enabled ?? current.enabled) ? 1 : 0,
    threshold: data.threshold === undefined ? current.threshold : data.threshold,
    minRuns: data.minRuns === undefined ? current.minRuns : data.minRuns,
    windowMinutes: data.windowMinutes ?? current.windowMinutes,
    mutedUntil,
    now,
  });
  return ruleFor(userId, kind);
}
