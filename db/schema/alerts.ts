import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ALERT_RULE_KINDS } from '../../lib/alerts/kinds';
import { users } from './users';

// One list for the column and for the rules (lib/alerts/kinds.ts is client-safe, so the UI can import it too).
export const ALERT_KINDS = ALERT_RULE_KINDS;
export type AlertKind = (typeof ALERT_KINDS)[number];

// One rule per user and kind, created lazily with defaults (lib/alerts/rules.ts). `threshold` and `minRuns` mean
// what the kind says (percent for failure_rate, a count for poll_failing and hook_rejections).
export const alertRules = sqliteTable(
  'alert_rules',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ALERT_KINDS }).notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    threshold: integer('threshold'),
    minRuns: integer('min_runs'),
    windowMinutes: integer('window_minutes').notNull().default(15),
    mutedUntil: integer('muted_until'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('alert_rules_user_kind_unique').on(t.userId, t.kind)],
);

// Outgoing notification channels. The in-app channel is implicit (every alert is a row in `alerts`).
export const alertChannels = sqliteTable(
  'alert_channels',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    type: text('type', { enum: ['webhook', 'email'] }).notNull(),
    preset: text('preset', { enum: ['slack', 'discord', 'json'] }),
    // Webhook URLs (Slack, Discord) embed their credential: encrypted at rest, never returned.
    urlEncrypted: text('url_encrypted'),
    urlHint: text('url_hint'),
    emailTo: text('email_to'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('alert_channels_user_idx').on(t.userId)],
);

// One row per cause (rule kind + subject key) while it lasts: repeats within the rule's window bump `count`.
export const alerts = sqliteTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ALERT_KINDS }).notNull(),
    subjectKey: text('subject_key').notNull(),
    status: text('status', { enum: ['open', 'resolved'] }).notNull(),
    title: text('title').notNull(),
    message: text('message').notNull(),
    link: text('link'),
    automationId: text('automation_id'),
    hookId: text('hook_id'),
    host: text('host'),
    count: integer('count').notNull().default(1),
    firstAt: integer('first_at').notNull(),
    lastAt: integer('last_at').notNull(),
    resolvedAt: integer('resolved_at'),
    readAt: integer('read_at'),
  },
  (t) => [
    index('alerts_user_idx').on(t.userId, t.id),
    index('alerts_user_unread_idx').on(t.userId, t.readAt),
    index('alerts_open_idx').on(t.kind, t.subjectKey, t.status),
  ],
);
