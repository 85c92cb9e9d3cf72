import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { hooks } from './hooks';
import { users } from './users';

export const automations = sqliteTable(
  'automations',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    version: integer('version').notNull().default(1),
    triggerType: text('trigger_type', { enum: ['webhook', 'schedule', 'poll', 'silence'] }).notNull(),
    // Set for webhook and silence triggers so ingest finds the automations of a hook with one index lookup.
    hookId: text('hook_id').references(() => hooks.id, { onDelete: 'set null' }),
    trigger: text('trigger', { mode: 'json' }).notNull(),
    filter: text('filter'),
    actions: text('actions', { mode: 'json' }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('automations_user_name_unique').on(t.userId, t.name),
    index('automations_hook_idx').on(t.hookId),
    index('automations_trigger_idx').on(t.triggerType, t.enabled),
  ],
);

// Every saved version, so a run's recorded version can always be shown as it was.
export const automationVersions = sqliteTable(
  'automation_versions',
  {
    automationId: text('automation_id')
      .notNull()
      .references(() => automations.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: text('definition', { mode: 'json' }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.automationId, t.version] })],
);

export const secrets = sqliteTable(
  'secrets',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    valueEncrypted: text('value_encrypted').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [uniqueIndex('secrets_user_name_unique').on(t.userId, t.name)],
);

// Scheduling state of schedule/poll/silence triggers; claimed in the database so two processes never double-fire.
export const triggerState = sqliteTable(
  'trigger_state',
  {
    automationId: text('automation_id')
      .primaryKey()
      .references(() => automations.id, { onDelete: 'cascade' }),
    nextFireAt: integer('next_fire_at'),
    lastFiredAt: integer('last_fired_at'),
    armed: integer('armed', { mode: 'boolean' }).notNull().default(true),
    baselineTaken: integer('baseline_taken', { mode: 'boolean' }).notNull().default(false),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    lastError: text('last_error'),
    lastErrorAt: integer('last_error_at'),
    lastSuccessAt: integer('last_success_at'),
    leaseUntil: integer('lease_until'),
    state: text('state', { mode: 'json' }),
  },
  (t) => [index('trigger_state_due_idx').on(t.nextFireAt)],
);

export const pollSeenKeys = sqliteTable(
  'poll_seen_keys',
  {
    automationId: text('automation_id')
      .notNull()
      .references(() => automations.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    seenAt: integer('seen_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.automationId, t.key] }),
    index('poll_seen_keys_age_idx').on(t.automationId, t.seenAt),
  ],
);
