// npm run bench:latency — idle system, one event at a time: time from sending the webhook to the transformed
// request arriving at the destination (filter + mapping + delivery). Prints p50/p99; asserts nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureBuild, startHookline } from './setup';
import { percentile, stopProcess } from './support';

const EVENTS = Number(process.env.BENCH_EVENTS || 300);

async function main() {
  ensureBuild();
  let arrived: ((at: number) => void) | null = null;
  const sink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrived?.(performance.now());
      res.end('ok');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const app = await startHookline(4711);
  try {
    const hook = await app.api<{ id: string; url: string }>('POST', '/api/v1/hooks', { name: 'latency' });
    await app.api('POST', '/api/v1/automations', {
      name: 'latency',
      trigger: { type: 'webhook', hookId: hook.id },
      filter: 'type = "payment_intent.succeeded"',
      actions: [
        {
          name: 'sink',
          method: 'POST',
          url: `${sinkUrl}/in/{{ data.object.id }}`,
          body: '{"text": "Payment of " & $string(data.object.amount / 100) & " " & $uppercase(data.object.currency)}',
        },
      ],
    });
    const target = new URL(hook.url).pathname;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const samples: number[] = [];
    const acks: number[] = [];
    for (let i = 0; i < EVENTS + 20; i++) {
      const body = JSON.stringify({
        type: 'payment_intent.succeeded',
        data: { object: { id: `pi_${i}`, amount: 2599, currency: 'usd' } },
      });
      const done = new Promise<number>((resolve) => (arrived = resolve));
      const start = performance.now();
      await new Promise<void>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port: 4711,
            path: target,
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve());
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      const acked = performance.now();
      const end = await done;
      if (i >= 20) {
        samples.push(end - start);
        acks.push(acked - start);
      } // the first 20 warm up JIT, connections and the JSONata workers
    }
    samples.sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    console.log(
      `\n== bench:latency (${EVENTS} events, one at a time, webhook → transformed request at destination)`,
    );
    console.log(
      `p50 ${percentile(samples, 50).toFixed(2)} ms, p90 ${percentile(samples, 90).toFixed(2)} ms, p99 ${percentile(samples, 99).toFixed(2)} ms, max ${samples.at(-1)!.toFixed(2)} ms`,
    );
    console.log(
      `acknowledgement (202) p50 ${percentile(acks, 50).toFixed(2)} ms, p99 ${percentile(acks, 99).toFixed(2)} ms`,
    );
    agent.destroy();
  } finally {
    await stopProcess(app.proc);
    sink.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
