// npm run bench:delivery — sustained deliveries per second to a local sink: events are ingested with the worker
// off, then `npm run worker` (its own process) drains the queue. Prints figures; asserts nothing.
import path from 'node:path';
import { createRelay, DESTINATION_CONCURRENCY, ensureBuild, startHookline } from './setup';
import { payload, runLoad, startProcess, stopProcess } from './support';

const EVENTS = Number(process.env.BENCH_EVENTS || 20_000);
const SINK_PORT = 4722;
// The default deliveries in flight (docs/operations.md). Since the worker claims on its own thread, 128 drains
// slower than 64 here (~2,150/s against ~3,500/s): more jobs wait on the bookkeeping thread's commits.
const WORKER_CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY || 64);

async function main() {
  ensureBuild();
  const sink = await startProcess(
    [path.join(import.meta.dirname, 'sink.mjs')],
    { PORT: String(SINK_PORT) },
    'sink ready',
  );
  const app = await startHookline(4721, { HOOKLINE_WORKER: 'off' });
  let worker: Awaited<ReturnType<typeof startProcess>> | null = null;
  try {
    const { path: target } = await createRelay(
      app,
      `http://127.0.0.1:${SINK_PORT}/in`,
      '{"amount": amount, "customer": customer}',
    );
    // Ingest exactly EVENTS events (closed loop until the count is reached).
    let sent = 0;
    while (sent < EVENTS) {
      const r = await runLoad({
        url: app.base,
        path: target,
        body: payload(512),
        connections: 32,
        seconds: 1,
      });
      sent += r.ok;
    }
    const start = Date.now();
    // BENCH_WORKER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the worker's event loop;
    // HOOKLINE_BOOKKEEPING_THREAD_ARGS (the same flags) its bookkeeping thread (lib/delivery/bookkeeping-writer.ts).
    const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    worker = await startProcess(
      [...nodeArgs, '--import', 'tsx', path.join(import.meta.dirname, '..', 'worker.ts')],
      { ...app.env, HOOKLINE_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) },
      'worker running',
    );
    let count = 0;
    let sinkState = { count: 0, firstAt: 0, lastAt: 0 };
    // Deliveries per second, second by second: a stall shows as a dip, a slow run throughout as a low plateau.
    const perSecond: number[] = [];
    let secondStart = Date.now();
    let countAtSecondStart = 0;
    for (;;) {
      sinkState = (await (await fetch(`http://127.0.0.1:${SINK_PORT}/__count`)).json()) as typeof sinkState;
      count = sinkState.count;
      if (Date.now() - secondStart >= 1000 && count > 0) {
        perSecond.push(Math.round(((count - countAtSecondStart) * 1000) / (Date.now() - secondStart)));
        secondStart = Date.now();
        countAtSecondStart = count;
      }
      if (count >= sent || Date.now() - start > 300_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (Date.now() - start) / 1000;
    console.log(
      `\n== bench:delivery (${sent} queued runs, worker process with HOOKLINE_WORKER_CONCURRENCY=${WORKER_CONCURRENCY}, local sink with maxConcurrency ${DESTINATION_CONCURRENCY})`,
    );
    const steady = (sinkState.lastAt - sinkState.firstAt) / 1000;
    console.log(
      `delivered ${count} in ${seconds.toFixed(1)} s including worker start-up; ${Math.round(count / steady)} deliveries/s from the first delivery to the last`,
    );
    console.log(`per second: ${perSecond.join(' ')}`);
  } finally {
    if (worker) await stopProcess(worker);
    await stopProcess(app.proc);
    await stopProcess(sink);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
