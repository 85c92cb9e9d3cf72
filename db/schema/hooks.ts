import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './users';

export const hooks = sqliteTable(
  'hooks',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    token: text('token').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    // JSON settings, validated with zod when read (lib/hooks/schema.ts).
    allowedMethods: text('allowed_methods', { mode: 'json' }).$type<string[]>().notNull(),
    // Verification with its secrets encrypted (AES-256-GCM); never returned by the API.
    verification: text('verification', { mode: 'json' }).notNull(),
    allowedIps: text('allowed_ips', { mode: 'json' }).$type<string[]>().notNull(),
    maxBodyBytes: integer('max_body_bytes').notNull(),
    rateLimit: text('rate_limit', { mode: 'json' }),
    dedupe: text('dedupe', { mode: 'json' }),
    response: text('response', { mode: 'json' }),
    lastEventAt: integer('last_event_at'),
    rejectedCount: integer('rejected_count').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('hooks_token_unique').on(t.token), index('hooks_user_idx').on(t.userId)],
);
