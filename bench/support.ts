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

/** Closed-loop load: `connections` keep-alive connections, each sending the next request when the last returns. */
export async function runLoad(options: {
  url: string;
  path: string;
  body: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const pool = new Pool(options.url, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
  });
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const start = performance.now();
  const end = start + options.seconds * 1000;
  const headers = { 'content-type': 'application/json', ...options.headers };
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          const res = await pool.request({ method: 'POST', path: options.path, body: options.body, headers });
          await res.body.dump();
          latencies.push(performance.now() - t);
          if (res.statusCode >= 200 && res.statusCode < 300) ok++;
          else non2xx++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
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
