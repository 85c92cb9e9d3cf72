import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { hooks } from './hooks';
import { users } from './users';

// One request received on a hook (accepted, duplicate or rejected), or one item from a poll/schedule/silence trigger.
export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    hookId: text('hook_id').references(() => hooks.id, { onDelete: 'cascade' }),
    source: text('source', { enum: ['webhook', 'poll', 'schedule', 'silence', 'test'] }).notNull(),
    outcome: text('outcome', { enum: ['accepted', 'duplicate', 'rejected'] }).notNull(),
    rejectStatus: integer('reject_status'),
    rejectReason: text('reject_reason'),
    method: text('method').notNull(),
    path: text('path').notNull().default(''),
    query: text('query', { mode: 'json' }),
    headers: text('headers', { mode: 'json' }),
    contentType: text('content_type'),
    size: integer('size').notNull().default(0),
    // Raw bytes exactly as received; null for rejected requests (metadata only).
    bodyRaw: blob('body_raw', { mode: 'buffer' }),
    bodyKind: text('body_kind'),
    bodyParsed: text('body_parsed', { mode: 'json' }),
    sourceIp: text('source_ip'),
    verification: text('verification'),
    dedupeKey: text('dedupe_key'),
    duplicateOf: text('duplicate_of'),
    meta: text('meta', { mode: 'json' }),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [
    index('events_hook_idx').on(t.hookId, t.id),
    // A user's events are read hook by hook (events_hook_idx) and merged, plus these: events with no hook (poll,
    // schedule), which the ingest writer never stores, so its commits write one b-tree fewer per event (0009).
    index('events_user_hookless_idx')
      .on(t.userId, t.id)
      .where(sql`hook_id is null`),
    // No index on received_at: ids sort by creation time (lib/ids.ts), so time bounds are id ranges on the primary
    // key (lib/runs/id-time.ts), and each ingest commit writes one b-tree fewer.
    // Rejected requests only (at most REJECTED_KEEP_PER_HOOK per hook, lib/ingest/write-events.ts): their trim and the
    // alert engine's count of bad signatures read these few, not every event of a hook or of the last 15 minutes.
    index('events_rejected_idx')
      .on(t.hookId, t.id)
      .where(sql`outcome = 'rejected'`),
  ],
);

export const eventDedupe = sqliteTable(
  'event_dedupe',
  {
    hookId: text('hook_id').notNull(),
    key: text('key').notNull(),
    eventId: text('event_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hookId, t.key] }), index('event_dedupe_age_idx').on(t.createdAt)],
);
