import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { alerts } from '@/db/schema';
import { parseInput } from '@/lib/validation';
import { NotFoundError } from '@/lib/errors';
import { alertListFilter } from './schema';
import type { AlertRuleKind } from './kinds';

// The notification center's reads and the read/unread verbs; every query is scoped to the user.

export interface AlertView {
  id: string;
  kind: AlertRuleKind;
  status: 'open' | 'resolved';
  title: string;
  message: string;
  link: string | null;
  count: number;
  automationId: string | null;
  hookId: string | null;
  host: string | null;
  firstAt: string;
  lastAt: string;
  resolvedAt: string | null;
  read: boolean;
}

type Row = typeof alerts.$inferSelect;

export function toAlertView(r: Row): AlertView {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    title: r.title,
    message: r.message,
    link: r.link,
    count: r.count,
    automationId: r.automationId,
    hookId: r.hookId,
    host: r.host,
    firstAt: new Date(r.firstAt).toISOString(),
    lastAt: new Date(r.lastAt).toISOString(),
    resolvedAt: r.resolvedAt === null ? null : new Date(r.resolvedAt).toISOString(),
    read: r.readAt !== null,
  };
}

export function listAlerts(
  userId: string,
  filterInput: unknown,
  limit = 50,
): { items: AlertView[]; nextCursor: string | null } {
  const f = parseInput(alertListFilter, filterInput);
  const rows = getDb()
    .select()
    .from(alerts)
    .where(
      and(
        eq(alerts.userId, userId),
        f.unread ? isNull(alerts.readAt) : undefined,
        f.kind ? eq(alerts.kind, f.kind) : undefined,
        f.status ? eq(alerts.status, f.status) : undefined,
        f.cursor ? lt(alerts.id, f.cursor) : undefined,
      ),
    )
    .orderBy(desc(alerts.id))
    .limit(limit + 1)
    .all();
  const more = rows.length > limit;
  const items = rows.slice(0, limit).map(toAlertView);
  return { items, nextCursor: more ? items.at(-1)!.id : null };
}

export function unreadAlertCount(userId: string): number {
  const row = getDb()
    .select({ n: sql<number>`count(*)` })
    .from(alerts)
    .where(and(eq(alerts.userId, userId), isNull(alerts.readAt)))
    .get();
  return row?.n ?? 0;
}

/** What the bell polls: the unread count and the newest alerts. */
export function alertsForBell(userId: string, limit = 8): { unread: number; items: AlertView[] } {
  const items = getDb()
    .select()
    .from(alerts)
    .where(eq(alerts.userId, userId))
    .orderBy(desc(alerts.id))
    .limit(limit)
    .all()
    .map(toAlertView);
  return { unread: unreadAlertCount(userId), items };
}

export function markAlertRead(userId: string, alertId: string, read = true): void {
  const res = getDb()
    .update(alerts)
    .set({ readAt: read ? Date.now() : null })
    .where(and(eq(alerts.userId, userId), eq(alerts.id, alertId)))
    .run();
  if (res.changes === 0) throw new NotFoundError('Alert');
}

export function markAllAlertsRead(userId: string): number {
  return getDb()
    .update(alerts)
    .set({ readAt: Date.now() })
    .where(and(eq(alerts.userId, userId), isNull(alerts.readAt)))
    .run().changes;
}
