// npm run bench:history — the run history at scale. Seeds BENCH_RUNS (default 1,000,000) runs, each with its event
// (a JSON body, indexed for search by the real background indexer), a step and one to three attempts, spread over 30 days,
// into a temporary database with the real migrations; then times, in process (server side, no HTTP), the first page
// of the run list, a filtered page (status=failed + automation), payload searches and a few other queries. Prints
// median and p95 over several repetitions, the query plans, and the bytes per event for retention sizing.
// Asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { catchUpSearchIndex, searchReader } from '@/lib/runs/search-index';
import { searchDatabasePath } from '@/db/search-db';

const RUNS = Number(process.env.BENCH_RUNS || 1_000_000);
const REPS = Number(process.env.BENCH_REPS || 25);
const BATCH = 50_000;
const DAYS = 30;
const AUTOMATIONS = 20;
const HOOKS = 5;

// BENCH_DB=/path/to/file.db keeps the seeded database (and reuses it on the next run, skipping the seeding).
const keep = process.env.BENCH_DB ? path.resolve(process.env.BENCH_DB) : null;
const reuse = keep !== null && fs.existsSync(keep);
const dir = keep ? path.dirname(keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-bench-history-'));
process.env.DATABASE_URL = `file:${keep ?? path.join(dir, 'hookline.db')}`;
process.env.AUTH_SECRET ||= 'bench-auth-secret';
process.env.HOOKLINE_ENCRYPTION_KEY ||= 'bench-encryption-key';

const { getDbHandle, closeDb } = await import('@/db/client');
const { encodeTime, idFloor } = await import('@/lib/runs/id-time');
const { listRuns, countRuns, newestRuns, statusTerm } = await import('@/lib/runs/query');
const { getRunDetail } = await import('@/lib/runs/detail');
const { getDashboard } = await import('@/lib/runs/dashboard');
const { listAutomations } = await import('@/lib/automations/automations');

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const WORDS = (
  'order invoice payment refund customer shipment parcel account subscription trial upgrade downgrade cancel ' +
  'renewal coupon discount tax address street city country email phone product variant sku price currency ' +
  'amount total quantity status pending paid failed created updated deleted webhook delivery retry merchant'
).split(' ');
const CITIES = [
  'paris',
  'berlin',
  'lisbon',
  'oslo',
  'madrid',
  'rome',
  'vienna',
  'prague',
  'dublin',
  'warsaw',
];

function idAt(prefix: string, ms: number, seq: number): string {
  // Same layout as lib/ids.ts; the sequence keeps ids strictly increasing and unique.
  let rand = '';
  for (let n = seq, i = 0; i < 16; i++, n = Math.floor(n / 32)) rand = CROCKFORD[n % 32] + rand;
  return `${prefix}_${encodeTime(ms)}${rand}`;
}

function pick<T>(list: T[], i: number): T {
  return list[i % list.length]!;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function seed() {
  const { sqlite } = getDbHandle();
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');
  const now = Date.now();
  const start = now - DAYS * 86_400_000;
  const step = (DAYS * 86_400_000) / RUNS;
  const userId = 'usr_bench';
  sqlite
    .prepare(
      `insert into users (id, email, password_hash, role, created_at, updated_at) values (?, 'bench@example.com', 'x', 'admin', ?, ?)`,
    )
    .run(userId, now, now);
  sqlite
    .prepare(
      `insert into users (id, email, password_hash, created_at, updated_at) values ('usr_other', 'other@example.com', 'x', ?, ?)`,
    )
    .run(now, now);
  const hookIds: string[] = [];
  for (let h = 0; h < HOOKS; h++) {
    const id = `hk_bench${h}`;
    hookIds.push(id);
    sqlite
      .prepare(
        `insert into hooks (id, user_id, name, token, allowed_methods, verification, allowed_ips, max_body_bytes, created_at, updated_at)
         values (?, ?, ?, ?, '["POST"]', '{"scheme":"none"}', '[]', 1048576, ?, ?)`,
      )
      .run(id, userId, `Hook ${h}`, randomBytes(16).toString('hex'), now, now);
  }
  const automationIds: string[] = [];
  for (let a = 0; a < AUTOMATIONS; a++) {
    const id = `aut_bench${String(a).padStart(2, '0')}`;
    automationIds.push(id);
    const hookId = hookIds[a % HOOKS]!;
    sqlite
      .prepare(
        `insert into automations (id, user_id, name, trigger_type, hook_id, trigger, actions, created_at, updated_at)
         values (?, ?, ?, 'webhook', ?, ?, '[]', ?, ?)`,
      )
      .run(id, userId, `Automation ${a}`, hookId, JSON.stringify({ type: 'webhook', hookId }), now, now);
  }

  const insertEvent = sqlite.prepare(
    `insert into events (id, user_id, hook_id, source, outcome, method, path, query, headers, content_type, size,
       body_raw, body_kind, body_parsed, source_ip, verification, received_at)
     values (?, ?, ?, 'webhook', 'accepted', 'POST', '', '{}', ?, 'application/json', ?, ?, 'json', ?, '203.0.113.9', 'valid', ?)`,
  );
  const insertRun = sqlite.prepare(
    `insert into runs (id, user_id, automation_id, automation_version, event_id, hook_id, trigger_type, status,
       filter_result, error, attempt_count, created_at, started_at, finished_at)
     values (?, ?, ?, 1, ?, ?, 'webhook', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertStep = sqlite.prepare(
    `insert into steps (id, run_id, idx, action_name, status, request, result, error, started_at, finished_at)
     values (?, ?, 0, 'Forward', ?, ?, ?, ?, ?, ?)`,
  );
  const insertAttempt = sqlite.prepare(
    `insert into attempts (id, run_id, step_index, n, started_at, duration_ms, host, request, response, error, next_retry_at)
     values (?, ?, 0, ?, ?, ?, 'api.example.com', ?, ?, ?, ?)`,
  );
  const headers = JSON.stringify({
    'content-type': 'application/json',
    'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    'stripe-signature': 't=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
  });
  const t0 = performance.now();
  let attempts = 0;
  for (let from = 0; from < RUNS; from += BATCH) {
    sqlite.transaction(() => {
      for (let i = from; i < Math.min(RUNS, from + BATCH); i++) {
        const at = Math.floor(start + i * step);
        const a = i % AUTOMATIONS;
        const automationId = automationIds[a]!;
        const hookId = hookIds[a % HOOKS]!;
        const eventId = idAt('evt', at, i);
        const runId = idAt('run', at + 1, i);
        // ~1 event in 100,000 carries a rare word, ~1 in 100 a "medium" one; every body has common words.
        const rare = i % 100_003 === 7 ? ' zanzibarquokka' : '';
        const medium = i % 101 === 3 ? ' chargeback' : '';
        const body = JSON.stringify({
          id: `evt_${i}`,
          type: `${pick(WORDS, i)}.${pick(WORDS, i * 7 + 3)}`,
          created: Math.floor(at / 1000),
          data: {
            object: {
              id: `ch_${i.toString(36)}`,
              amount: (i * 37) % 100_000,
              currency: 'eur',
              customer: { email: `customer${i % 50_000}@example.com`, city: pick(CITIES, i * 13) },
              description: `${pick(WORDS, i * 3)} ${pick(WORDS, i * 5 + 1)} ${pick(WORDS, i * 11 + 2)}${rare}${medium}`,
            },
          },
        });
        const raw = Buffer.from(body);
        insertEvent.run(eventId, userId, hookId, headers, raw.length, raw, body, at);

        const roll = i % 100;
        const status = roll < 6 ? 'failed' : roll < 9 ? 'filtered' : roll < 10 ? 'retrying' : 'succeeded';
        const n =
          status === 'failed'
            ? 3
            : status === 'retrying'
              ? 2
              : status === 'filtered'
                ? 0
                : roll % 5 === 0
                  ? 2
                  : 1;
        const finished = status === 'retrying' ? null : at + 40 + n * 25;
        const error =
          status === 'failed'
            ? 'Action “Forward”: Destination answered 500 (gave up after 3 attempts)'
            : null;
        insertRun.run(
          runId,
          userId,
          automationId,
          eventId,
          hookId,
          status,
          status === 'filtered' ? 0 : 1,
          error,
          n,
          at,
          at + 2,
          finished,
        );
        if (status === 'filtered') continue;
        const request = JSON.stringify({
          method: 'POST',
          url: 'https://api.example.com/orders',
          headers: {
            'content-type': 'application/json',
            authorization: '[redacted]',
            'webhook-id': `${runId}_0`,
          },
          body: `{"order":"ch_${i.toString(36)}","amount":${(i * 37) % 100_000}}`,
        });
        insertStep.run(
          `stp_${runId.slice(4)}`,
          runId,
          status === 'succeeded' ? 'succeeded' : status,
          request,
          status === 'succeeded' ? '{"status":200,"headers":{},"body":{"ok":true}}' : null,
          status === 'succeeded' ? null : 'Destination answered 500',
          at + 3,
          finished,
        );
        for (let k = 1; k <= n; k++) {
          const ok = status === 'succeeded' && k === n;
          insertAttempt.run(
            `att_${runId.slice(4)}${k}`,
            runId,
            k,
            at + 3 + (k - 1) * 1000,
            15 + ((i * 7 + k * 13) % 180),
            request,
            JSON.stringify({
              status: ok ? 200 : 500,
              headers: { 'content-type': 'application/json' },
              body: ok ? '{"ok":true}' : '{"error":"upstream unavailable"}',
              bodyEncoding: 'utf8',
              truncated: false,
            }),
            ok ? null : 'Destination answered 500',
            ok || (status === 'failed' && k === n) ? null : at + 3 + k * 1000,
          );
          attempts++;
        }
      }
    })();
    process.stdout.write(`\r  seeded ${fmt(Math.min(RUNS, from + BATCH))} / ${fmt(RUNS)} runs`);
  }
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.exec('analyze');
  sqlite.pragma('synchronous = FULL');
  const seconds = (performance.now() - t0) / 1000;
  console.log(`\n  ${fmt(RUNS)} events + runs, ${fmt(attempts)} attempts in ${seconds.toFixed(1)} s`);
  return { userId, automationIds };
}

function time<T>(label: string, fn: () => T, describe?: (r: T) => string) {
  let result = fn(); // warm up (statement preparation, page cache)
  const samples: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    result = fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const p = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
  console.log(
    `  ${label.padEnd(52)} median ${p(0.5).toFixed(2).padStart(8)} ms   p95 ${p(0.95).toFixed(2).padStart(8)} ms` +
      (describe ? `   (${describe(result)})` : ''),
  );
  return result;
}

function plan(label: string, sql: string, params: unknown[]) {
  // The reader has the main file's tables and the attached search index (lib/runs/search-index.ts).
  const rows = searchReader(getDbHandle().sqlite)
    .prepare(`explain query plan ${sql}`)
    .all(...params) as { detail: string }[];
  console.log(`  ${label}: ${rows.map((r) => r.detail).join(' → ')}`);
}

async function main() {
  console.log(`bench:history — ${reuse ? 'reusing' : fmt(RUNS) + ' runs in'} ${keep ?? dir}`);
  const { userId, automationIds } = reuse
    ? {
        userId: 'usr_bench',
        automationIds: Array.from(
          { length: AUTOMATIONS },
          (_, a) => `aut_bench${String(a).padStart(2, '0')}`,
        ),
      }
    : seed();
  const user = { id: userId, role: 'admin' as const };
  const { sqlite, path: file } = getDbHandle();
  const indexStart = performance.now();
  const reader = catchUpSearchIndex(sqlite);
  console.log(`  search index caught up in ${((performance.now() - indexStart) / 1000).toFixed(1)} s`);

  console.log('\nQuery plans');
  // Merged from one index range per status (lib/runs/query.ts): the plan shows one SEARCH per status.
  plan('first page', newestRuns('r.user_id = @userId', 'runs_user_status_idx'), [{ userId, limit: 51 }]);
  plan(
    'failed + automation',
    `select id from runs r where r.user_id = ? and ${statusTerm('failed')} and r.automation_id = ? order by r.id desc limit 51`,
    [userId, automationIds[3]],
  );
  plan(
    'search',
    `select r.id from search.events_fts f join events e on e.rowid = f.rowid join runs r on r.event_id = e.id
     where events_fts match ? and r.user_id = ? and e.user_id = ? order by f.rowid desc limit 51`,
    ['"chargeback"', userId, userId],
  );

  console.log(`\nServer-side timings (${REPS} repetitions; target ≤ 150 ms)`);
  const first = time(
    'run list, first page (50)',
    () => listRuns(user, { limit: 50 }),
    (r) => `${r.items.length} rows`,
  );
  time(
    'run list, a page 15 days deep (keyset cursor)',
    () => listRuns(user, { limit: 50, cursor: idFloor('run', Date.now() - 15 * 86_400_000) }),
    (r) => `${r.items.length} rows`,
  );
  time(
    'run list, one automation (merged per status)',
    () => listRuns(user, { automationId: automationIds[3], limit: 50 }),
    (r) => `${r.items.length} rows`,
  );
  time(
    'automations list (newest run of each)',
    () => listAutomations(userId),
    (r) => `${r.items.length} automations`,
  );
  time(
    'run list, status=failed + automation',
    () => listRuns(user, { status: 'failed', automationId: automationIds[3], limit: 50 }),
    (r) => `${r.items.length} rows`,
  );
  time(
    'run list, status=retrying + hook + last 7 days',
    () =>
      listRuns(user, {
        status: 'retrying',
        hookId: 'hk_bench4',
        from: Date.now() - 7 * 86_400_000,
        limit: 50,
      }),
    (r) => `${r.items.length} rows`,
  );
  time(
    'payload search, rare word (≈10 events)',
    () => listRuns(user, { q: 'zanzibarquokka' }),
    (r) => `${r.items.length} rows`,
  );
  const medium = time(
    'payload search, 1 % of events',
    () => listRuns(user, { q: 'chargeback', limit: 50 }),
    (r) => `${r.items.length} rows`,
  );
  time(
    'payload search, 1 %, next page',
    () => listRuns(user, { q: 'chargeback', limit: 50, cursor: medium.nextCursor! }),
    (r) => `${r.items.length} rows`,
  );
  time(
    'payload search, common word',
    () => listRuns(user, { q: 'paris', limit: 50 }),
    (r) => `${r.items.length} rows`,
  );
  time(
    'payload search + status=failed',
    () => listRuns(user, { q: 'chargeback', status: 'failed', limit: 50 }),
    (r) => `${r.items.length} rows`,
  );
  time(
    'count failed (Retry failed button, capped 10k)',
    () => countRuns(user, { status: 'failed', automationId: automationIds[3] }),
    (r) => `${fmt(r.count)}${r.capped ? '+' : ''}`,
  );
  time(
    'run detail',
    () => getRunDetail(user, first.items[3]!.id),
    (r) => `${r.steps.length} steps`,
  );
  const reps = Number(process.env.BENCH_DASHBOARD_REPS || 5);
  for (const range of ['24h', '7d'] as const) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) getDashboard(user, range);
    console.log(
      `  ${`dashboard ${range} (mean of ${reps})`.padEnd(52)} ${((performance.now() - t) / reps).toFixed(1)} ms`,
    );
  }

  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  reader.pragma('search.wal_checkpoint(TRUNCATE)');
  const bytes = fs.statSync(file).size;
  const ftsBytes = fs.statSync(searchDatabasePath(file)).size;
  const events = (sqlite.prepare(`select count(*) as n from events`).get() as { n: number }).n;
  console.log(`\nStorage`);
  console.log(`  database file ${(bytes / 1024 / 1024).toFixed(0)} MiB for ${fmt(events)} events`);
  console.log(
    `  ${fmt(Math.round(bytes / events))} bytes per event (event + run + step + attempts + indexes)`,
  );
  console.log(`  search index file ${fmt(Math.round(ftsBytes / events))} bytes per event`);
  closeDb();
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}

await main();
