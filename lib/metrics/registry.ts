import client from 'prom-client';
import { getDbHandle } from '@/db/client';
import { searchDatabasePath } from '@/db/search-db';
import { NOT_QUEUED, RUN_STATUSES } from '@/db/schema';
import { queueDepth } from '@/lib/delivery/queue';
import { fileSize } from './files';

// One registry per process, kept on globalThis: the custom server (tsx) and Next's bundle each have a copy of
// this module, and both must record into the registry that /metrics (served by server.ts) reads.
const KEY = Symbol.for('hookline.metrics');

export const INGEST_OUTCOMES = ['accepted', 'duplicate', 'rejected'] as const;
export type IngestOutcome = (typeof INGEST_OUTCOMES)[number];
export const ATTEMPT_OUTCOMES = ['success', 'retry', 'failure'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'error';

interface Metrics {
  registry: client.Registry;
  ingestRequests: client.Counter<'outcome' | 'status'>;
  ingestDuration: client.Histogram<'outcome'>;
  deliveryAttempts: client.Counter<'outcome' | 'status_class'>;
  deliveryDuration: client.Histogram<'outcome'>;
}

type GlobalWithMetrics = typeof globalThis & { [KEY]?: Metrics };

/** Runs a scrape-time query; a busy or closed database must not make the whole scrape fail. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    /* leave the gauge at its last value */
  }
}

function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const ingestRequests = new client.Counter({
    name: 'hookline_ingest_requests_total',
    help: 'Requests to /h/<token> by outcome (accepted, duplicate, rejected) and response status',
    labelNames: ['outcome', 'status'] as const,
    registers,
  });
  const ingestDuration = new client.Histogram({
    name: 'hookline_ingest_duration_seconds',
    help: 'Time from request to response on /h/<token> (includes the durable commit for accepted events)',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const deliveryAttempts = new client.Counter({
    name: 'hookline_delivery_attempts_total',
    help: 'Outgoing HTTP attempts by outcome (success, retry, failure) and status class (2xx…5xx, error)',
    labelNames: ['outcome', 'status_class'] as const,
    registers,
  });
  const deliveryDuration = new client.Histogram({
    name: 'hookline_delivery_duration_seconds',
    help: 'Duration of outgoing HTTP attempts',
    labelNames: ['outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });

  new client.Gauge({
    name: 'hookline_runs',
    help: 'Runs in the database by status',
    labelNames: ['status'] as const,
    registers,
    collect() {
      safely(() => {
        const rows = getDbHandle()
          // Through the partial status indexes and runs_queued_idx, not the table (db/schema/runs.ts).
          .sqlite.prepare(
            `select status, count(*) as n from runs r where ${NOT_QUEUED} group by status
             union all select 'queued', count(*) from runs r where r.status = 'queued'`,
          )
          .all() as { status: string; n: number }[];
        const counts = new Map(rows.map((r) => [r.status, r.n]));
        for (const status of RUN_STATUSES) this.set({ status }, counts.get(status) ?? 0);
      });
    },
  });
  const oldestAge = new client.Gauge({
    name: 'hookline_queue_oldest_due_age_seconds',
    help: 'How long the oldest due job has been waiting (0 when none is due)',
    registers,
  });
  new client.Gauge({
    name: 'hookline_queue_depth',
    help: 'Jobs that are due now (waiting for or held by a worker)',
    registers,
    collect() {
      safely(() => {
        const now = Date.now();
        const depth = queueDepth(getDbHandle().sqlite, now);
        this.set(depth.due);
        oldestAge.set(depth.oldestDueAt === null ? 0 : Math.max(0, now - depth.oldestDueAt) / 1000);
      });
    },
  });
  new client.Gauge({
    name: 'hookline_destinations_paused',
    help: 'Destination hosts paused by the circuit breaker or by an operator',
    registers,
    collect() {
      safely(() => {
        const row = getDbHandle()
          .sqlite.prepare(
            `select count(*) as n from destinations where manually_paused = 1 or paused_until > ?`,
          )
          .get(Date.now()) as { n: number };
        this.set(row.n);
      });
    },
  });
  new client.Gauge({
    name: 'hookline_poll_errors',
    help: 'Poll triggers whose last poll failed (consecutive failures > 0)',
    registers,
    collect() {
      safely(() => {
        const row = getDbHandle()
          .sqlite.prepare(
            `select count(*) as n from trigger_state t join automations a on a.id = t.automation_id
             where t.consecutive_failures > 0 and a.trigger_type = 'poll'`,
          )
          .get() as { n: number };
        this.set(row.n);
      });
    },
  });
  new client.Gauge({
    name: 'hookline_database_bytes',
    help: 'Size of the SQLite database file, its write-ahead log, the search index file and its write-ahead log',
    labelNames: ['file'] as const,
    registers,
    collect() {
      const { path } = getDbHandle();
      if (path === ':memory:') return;
      this.set({ file: 'db' }, fileSize(path));
      this.set({ file: 'wal' }, fileSize(`${path}-wal`));
      this.set({ file: 'search' }, fileSize(searchDatabasePath(path)));
      this.set({ file: 'search_wal' }, fileSize(`${searchDatabasePath(path)}-wal`));
    },
  });

  return { registry, ingestRequests, ingestDuration, deliveryAttempts, deliveryDuration };
}

export function metrics(): Metrics {
  const g = globalThis as GlobalWithMetrics;
  return (g[KEY] ??= createMetrics());
}

/** Called by ingest as it answers: `started` is a performance.now() reading taken when the request arrived. */
export function recordIngest(outcome: IngestOutcome, status: number, started: number): void {
  const m = metrics();
  m.ingestRequests.inc({ outcome, status: String(status) });
  m.ingestDuration.observe({ outcome }, (performance.now() - started) / 1000);
}

export function statusClass(status: number | null | undefined): StatusClass {
  if (!status || status < 200 || status > 599) return 'error';
  return `${Math.floor(status / 100)}xx` as StatusClass;
}

export type AttemptRecord = [outcome: AttemptOutcome, status: number | null | undefined, seconds: number];

// Set on the delivery thread (lib/delivery/worker-thread.ts): its attempts are counted in the registry of the
// process's main thread, which /metrics reads.
const FORWARD = Symbol.for('hookline.metrics.forward');
type GlobalWithForward = typeof globalThis & { [FORWARD]?: (record: AttemptRecord) => void };

/** Sends this thread's attempts to `to` instead of recording them here. */
export function forwardAttempts(to: (record: AttemptRecord) => void): void {
  (globalThis as GlobalWithForward)[FORWARD] = to;
}

/** Called by the worker after each outgoing attempt. */
export function recordAttempt(
  outcome: AttemptOutcome,
  status: number | null | undefined,
  seconds: number,
): void {
  const forward = (globalThis as GlobalWithForward)[FORWARD];
  if (forward) return forward([outcome, status, seconds]);
  const m = metrics();
  m.deliveryAttempts.inc({ outcome, status_class: statusClass(status) });
  m.deliveryDuration.observe({ outcome }, seconds);
}
