import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { automations } from './automations';
import { events } from './events';
import { users } from './users';

export const RUN_STATUSES = ['queued', 'running', 'retrying', 'succeeded', 'failed', 'filtered'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** The WHERE term of the partial status indexes (runs_user_status_idx, runs_automation_status_idx), on runs `r`. */
export const NOT_QUEUED = `r.status <> 'queued'`;

export const runs = sqliteTable(
  'runs',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    automationId: text('automation_id')
      .notNull()
      .references(() => automations.id, { onDelete: 'cascade' }),
    automationVersion: integer('automation_version').notNull(),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    hookId: text('hook_id'),
    triggerType: text('trigger_type').notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    filterResult: integer('filter_result', { mode: 'boolean' }),
    error: text('error'),
    attemptCount: integer('attempt_count').notNull().default(0),
    replayOf: text('replay_of'),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
  },
  (t) => [
    // No (user_id, id) index: a user's newest runs are read per status from this one (lib/runs/query.ts), and each
    // ingest commit writes one b-tree fewer per run (migration 0009).
    // Neither this one nor runs_automation_status_idx (migration 0011) holds queued runs. A run is queued when the
    // ingest commit inserts it, and its entry went in the middle of each (before the later statuses), where a full
    // leaf is rebalanced with both its neighbours. Queued runs go to runs_queued_idx and runs_queued_automation_idx
    // instead, appended at the end of the user's and the automation's range: 33.6 WAL pages per commit of 12 events
    // instead of 36.3. A query reads the two status indexes only with the NOT_QUEUED term itself in its WHERE
    // (SQLite does not infer it from `status = 'failed'`, nor from a bound parameter).
    index('runs_user_status_idx')
      .on(t.userId, t.status, t.id)
      .where(sql`status <> 'queued'`),
    index('runs_queued_idx')
      .on(t.userId, t.id)
      .where(sql`status = 'queued'`),
    // An automation's newest queued runs: through runs_queued_idx they took a walk over every queued run of the user
    // (600 ms for a page of 20 automations with 200,000 runs of another one queued).
    index('runs_queued_automation_idx')
      .on(t.automationId, t.id)
      .where(sql`status = 'queued'`),
    // No (automation_id, id) index either: runs_automation_status_idx (automation_id, status, id), from migration
    // 0002, serves an automation's newest runs per status (lib/runs/query.ts), one b-tree fewer per run (0010).
    index('runs_event_idx').on(t.eventId),
    index('runs_hook_idx').on(t.hookId, t.id),
  ],
);

// One row per action of a run.
export const steps = sqliteTable(
  'steps',
  {
    id: text('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    index: integer('idx').notNull(),
    actionName: text('action_name').notNull(),
    status: text('status', {
      enum: ['pending', 'running', 'retrying', 'succeeded', 'failed', 'skipped'],
    }).notNull(),
    // Rendered request (secrets masked), kept so the timeline shows what was sent.
    request: text('request', { mode: 'json' }),
    result: text('result', { mode: 'json' }),
    error: text('error'),
    // Attempts numbered above this count toward retry.maxAttempts; a manual retry raises it for a fresh budget.
    attemptBase: integer('attempt_base').notNull().default(0),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
  },
  (t) => [uniqueIndex('steps_run_idx').on(t.runId, t.index)],
);

// One row per HTTP try. Retries add rows; rows are never rewritten.
export const attempts = sqliteTable(
  'attempts',
  {
    id: text('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    stepIndex: integer('step_index').notNull(),
    n: integer('n').notNull(),
    startedAt: integer('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    host: text('host'),
    request: text('request', { mode: 'json' }).notNull(),
    response: text('response', { mode: 'json' }),
    error: text('error'),
    nextRetryAt: integer('next_retry_at'),
  },
  (t) => [
    index('attempts_run_idx').on(t.runId, t.stepIndex, t.n),
    index('attempts_started_idx').on(t.startedAt),
  ],
);

// The durable queue. A job is claimed by setting a lease and a claim token; finishing checks the token.
export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    runId: text('run_id').references(() => runs.id, { onDelete: 'cascade' }),
    payload: text('payload', { mode: 'json' }),
    dueAt: integer('due_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    host: text('host'),
    leaseUntil: integer('lease_until'),
    claimToken: text('claim_token'),
    idempotencyKey: text('idempotency_key'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('jobs_due_idx').on(t.dueAt),
    index('jobs_run_idx').on(t.runId),
    // Partial: run jobs have no key, and an index entry per job would cost every ingest commit pages to write.
    uniqueIndex('jobs_idempotency_unique')
      .on(t.idempotencyKey)
      .where(sql`idempotency_key is not null`),
  ],
);

// The runs of an ingest commit, queued as one row until a claim turns them into a job each (RUN_BATCH,
// lib/delivery/queue.ts). A rowid table with no other index: each commit appends one row at its end.
export const runBatches = sqliteTable('run_batches', {
  seq: integer('seq').primaryKey(),
  runIds: text('run_ids', { mode: 'json' }).$type<string[]>().notNull(),
  dueAt: integer('due_at').notNull(),
});

// Per-destination state shared by every worker process: circuit breaker and operator controls.
export const destinations = sqliteTable('destinations', {
  host: text('host').primaryKey(),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  pausedUntil: integer('paused_until'),
  manuallyPaused: integer('manually_paused', { mode: 'boolean' }).notNull().default(false),
  // Operator limits (lib/destinations): null = no rate limit / the worker's default per-host concurrency.
  maxPerSecond: real('max_per_second'),
  maxConcurrency: integer('max_concurrency'),
  lastFailureAt: integer('last_failure_at'),
  lastSuccessAt: integer('last_success_at'),
  updatedAt: integer('updated_at').notNull(),
});
