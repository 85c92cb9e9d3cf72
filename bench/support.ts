import { spawn, type ChildProcess } from 'node:child_process';
import { Pool } from 'undici';

export interface LoadResult {
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface LoadTarget {
  url: string;
  path: string;
  body: string;
  headers?: Record<string, string>;
}

/** A keep-alive pool sending POSTs to one target and tallying the answers and their latencies. */
function loadClient(target: LoadTarget, connections: number) {
  const pool = new Pool(target.url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const headers = { 'content-type': 'application/json', ...target.headers };
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  return {
    /** One request; `from` is when it was due (an open loop counts the time it waited for a connection). */
    async send(from = performance.now()): Promise<void> {
      try {
        const res = await pool.request({ method: 'POST', path: target.path, body: target.body, headers });
        await res.body.dump();
        latencies.push(performance.now() - from);
        if (res.statusCode >= 200 && res.statusCode < 300) ok++;
        else non2xx++;
      } catch {
        errors++;
      }
    },
    async finish(seconds: number): Promise<LoadResult> {
      await pool.close();
      latencies.sort((a, b) => a - b);
      return {
        seconds,
        ok,
        non2xx,
        errors,
        rps: ok / seconds,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? 0,
      };
    },
  };
}

/** Closed-loop load: `connections` keep-alive connections, each sending the next request when the last returns. */
export async function runLoad(
  options: LoadTarget & { connections: number; seconds: number },
): Promise<LoadResult> {
  const client = loadClient(options, options.connections);
  const start = performance.now();
  const end = start + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < end) await client.send();
    }),
  );
  return client.finish((performance.now() - start) / 1000);
}

/**
 * Open-loop load: `rate` requests per second for `seconds`, each sent when due whatever the earlier ones' fate
 * (as providers do); its latency runs from when it was due, so time spent queued for a connection counts.
 */
export async function runOpenLoad(
  options: LoadTarget & { rate: number; seconds: number },
): Promise<LoadResult> {
  const client = loadClient(options, 64);
  const total = Math.round(options.rate * options.seconds);
  const requests: Promise<void>[] = [];
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * options.rate));
      while (requests.length < due)
        requests.push(client.send(start + (requests.length * 1000) / options.rate));
      if (requests.length < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(requests);
  return client.finish((performance.now() - start) / 1000);
}

export function startProcess(
  args: string[],
  env: Record<string, string>,
  readyText: string,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, {
      env: { ...process.env, ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      if (out.includes(readyText)) resolve(proc);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d) => (out += d));
    if (process.env.BENCH_ECHO) proc.stderr!.pipe(process.stderr); // the server's own logs and traces
    proc.once('exit', (code) => reject(new Error(`process exited (${code}) before ready:\n${out}`)));
  });
}

export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

export function payload(bytes: number): string {
  const base = {
    type: 'payment_intent.succeeded',
    amount: 2599,
    currency: 'usd',
    customer: 'cus_bench',
    note: '',
  };
  const pad = bytes - JSON.stringify(base).length;
  return JSON.stringify({ ...base, note: 'x'.repeat(Math.max(0, pad)) });
}

export function fmt(r: LoadResult): string {
  return `${Math.round(r.rps)} accepted/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;
}
