import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiUser, hookPath } from '../support/api';
import { startSink, type Sink } from '../support/sink';
import { startServer, tempDataDir, waitFor, type TestServer } from '../support/server';

describe('kill -9 under load', () => {
  let server: TestServer | undefined;
  let sink: Sink | undefined;
  afterAll(async () => {
    await server?.stop();
    await sink?.close();
  });

  it('every event that got a 2xx is stored with its runs, and every run completes after restart', async () => {
    sink = await startSink();
    const dataDir = tempDataDir();
    // Short leases so jobs leased by the killed process are reclaimed quickly after the restart.
    const env = { HOOKLINE_LEASE_MS: '2000' };
    server = await startServer({ dataDir, env });
    const api = await createApiUser(server, 'durable@example.com');
    const hook = await api.ok('POST', '/api/v1/hooks', { name: 'durable', rateLimit: null });
    await api.ok('POST', '/api/v1/automations', {
      name: 'relay',
      trigger: { type: 'webhook', hookId: hook.id },
      actions: [{ name: 'sink', method: 'POST', url: `${sink.url}/in`, body: '{"n": n}' }],
    });
    // Slow destination: deliveries are in flight when the process dies.
    sink.respond = () => ({ status: 200, body: 'ok' });

    const acked: string[] = [];
    let stop = false;
    let sent = 0;
    const target = `${server.url}${hookPath(hook)}`;
    const loops = Array.from({ length: 16 }, async (_, k) => {
      for (let i = 0; !stop && i < 400; i++) {
        sent++;
        try {
          const res = await fetch(target, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ n: k * 1000 + i }),
          });
          if (res.status === 202) acked.push((await res.json()).id);
        } catch {
          // connection reset by the kill: not acknowledged, so nothing is promised
        }
      }
    });
    await waitFor(() => acked.length >= 300, { timeoutMs: 30_000, what: '300 acknowledged events' });
    await server.kill();
    stop = true;
    await Promise.all(loops);
    expect(sent).toBeGreaterThan(acked.length); // some requests were cut off by the kill

    server = await startServer({ dataDir, env });
    const db = new Database(server.dbPath, { readonly: true });
    try {
      const stored = db.prepare(`select count(*) as n from events where id = ?`);
      const runsOf = db.prepare(`select count(*) as n from runs where event_id = ?`);
      const missing = acked.filter((id) => (stored.get(id) as { n: number }).n !== 1);
      const withoutRuns = acked.filter((id) => (runsOf.get(id) as { n: number }).n !== 1);
      expect(missing).toEqual([]);
      expect(withoutRuns).toEqual([]);
      const pending = db.prepare(`select count(*) as n from runs where status not in ('succeeded')`);
      await waitFor(() => (pending.get() as { n: number }).n === 0, {
        timeoutMs: 60_000,
        what: 'all runs to succeed',
      });
      // At least once: every acknowledged event reached the destination (duplicates allowed).
      const delivered = new Set(sink.requests.map((r) => JSON.parse(r.body.toString()).n));
      const expected = db
        .prepare(`select body_raw from events where outcome = 'accepted'`)
        .all()
        .map((r) => JSON.parse((r as { body_raw: Buffer }).body_raw.toString()).n);
      expect(expected.filter((n) => !delivered.has(n))).toEqual([]);
    } finally {
      db.close();
    }
  }, 120_000);
});
