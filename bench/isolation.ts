// npm run bench:isolation — ingest latency while runaway JSONata expressions are being killed. One hook feeds an
// automation whose filter never finishes on its own (a long native call that jsonata's own timeout cannot stop, so
// the pool's hard deadline terminates the worker thread); meanwhile another hook is sent one request at a time and
// its acknowledgement latency is measured. Prints figures; asserts nothing.
import Database from 'better-sqlite3';
import http from 'node:http';
import { ensureBuild, startHookline } from './setup';
import { percentile, stopProcess } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const RUNAWAYS = Number(process.env.BENCH_RUNAWAYS || 8);

function post(port: number, path: string, body: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  ensureBuild();
  const port = 4741;
  const app = await startHookline(port);
  try {
    const bad = await app.api<{ id: string; url: string }>('POST', '/api/v1/hooks', { name: 'runaway' });
    const good = await app.api<{ id: string; url: string }>('POST', '/api/v1/hooks', { name: 'measured' });
    await app.api('POST', '/api/v1/automations', {
      name: 'runaway filter',
      trigger: { type: 'webhook', hookId: bad.id },
      filter: '$length($replace($pad("", 5000000, "a"), "a", "bb")) > 0',
      actions: [{ name: 'never', method: 'POST', url: 'http://127.0.0.1:9/never' }],
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const badPath = new URL(bad.url).pathname;
    const goodPath = new URL(good.url).pathname;
    for (let i = 0; i < 20; i++) await post(port, goodPath, '{"warm":true}', agent);

    for (let i = 0; i < RUNAWAYS; i++) await post(port, badPath, `{"n":${i}}`, agent);
    const latencies: number[] = [];
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      const t = performance.now();
      const status = await post(port, goodPath, '{"measured":true}', agent);
      if (status === 202) latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
    agent.destroy();
    latencies.sort((a, b) => a - b);
    const db = new Database(app.dbPath, { readonly: true });
    const stopped = db
      .prepare(`select count(*) as n from runs where status = 'failed' and error like '%was stopped%'`)
      .get() as { n: number };
    db.close();
    console.log(
      `\n== bench:isolation (${RUNAWAYS} runaway filters, ${SECONDS} s of one-at-a-time ingest on another hook)`,
    );
    console.log(
      `ingest ack p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${latencies.at(-1)!.toFixed(2)} ms over ${latencies.length} requests`,
    );
    console.log(`runaway runs stopped by the deadline so far: ${stopped.n} of ${RUNAWAYS}`);
  } finally {
    await stopProcess(app.proc);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
