import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export interface LoadResult {
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Every answer's latency, sorted (ms): lets two loads' figures be combined (`combineLoads`). */
  latencies: number[];
  /** CPU the server's process used over the load (ms), when runLoad was given its pid and /proc can tell. */
  cpuMs: number | null;
  /** The same by thread name (the event loop as "event loop"), busiest first; null as cpuMs. */
  threads: { name: string; cpuMs: number }[] | null;
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

/** Two loads of the same server taken as one: their answers and seconds added, their latencies merged. */
export function combineLoads(a: LoadResult, b: LoadResult): LoadResult {
  const latencies = [...a.latencies, ...b.latencies].sort((x, y) => x - y);
  const seconds = a.seconds + b.seconds;
  const ok = a.ok + b.ok;
  return {
    seconds,
    ok,
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    rps: ok / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    latencies,
    cpuMs: a.cpuMs === null || b.cpuMs === null ? null : a.cpuMs + b.cpuMs,
    threads: null,
  };
}

/** One keep-alive HTTP/1.1 connection sending a prebuilt request and reading just enough of each answer. */
class Connection {
  private socket: net.Socket | null = null;
  private pending: { resolve: (status: number) => void; reject: (error: Error) => void } | null = null;
  private buffer = Buffer.alloc(0);

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly request: Buffer,
  ) {}

  send(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      (this.socket ??= this.connect()).write(this.request);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private connect(): net.Socket {
    const socket = net.connect(this.port, this.host);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.parse();
    });
    const fail = (error: Error) => {
      if (this.socket === socket) this.socket = null;
      this.buffer = Buffer.alloc(0);
      const p = this.pending;
      this.pending = null;
      p?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
    return socket;
  }

  /** A whole answer in the buffer (Content-Length or chunked body) settles the request; a partial one waits. */
  private parse(): void {
    const headEnd = this.buffer.indexOf('\r\n\r\n');
    if (headEnd === -1 || !this.pending) return;
    const head = this.buffer.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let end: number;
    if (length) {
      end = headEnd + 4 + Number(length[1]);
      if (this.buffer.length < end) return;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const last = this.buffer.indexOf('\r\n0\r\n\r\n', headEnd + 2);
      if (last === -1) return;
      end = last + 7;
    } else end = headEnd + 4;
    this.buffer = this.buffer.subarray(end);
    if (/\r\nconnection:\s*close/i.test(head)) this.close();
    const p = this.pending;
    this.pending = null;
    p.resolve(status);
  }
}

/**
 * Keep-alive connections sending POSTs to one target and tallying the answers and their latencies. A raw HTTP/1.1
 * client with the request prebuilt, as load generators (wrk, autocannon) are: on two cores it shares the CPU with
 * the server measured, and an HTTP library's streams and promises took a third of a core at ~4,500 requests/s.
 */
function loadClient(target: LoadTarget, connections: number) {
  const url = new URL(target.url);
  const body = Buffer.from(target.body);
  const head = Object.entries({ 'content-type': 'application/json', ...target.headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const request = Buffer.concat([
    Buffer.from(
      `POST ${target.path} HTTP/1.1\r\nhost: ${url.host}\r\n${head}content-length: ${body.length}\r\n\r\n`,
    ),
    body,
  ]);
  const idle = Array.from(
    { length: connections },
    () => new Connection(url.hostname, Number(url.port || 80), request),
  );
  const all = [...idle];
  const waiting: ((c: Connection) => void)[] = [];
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  return {
    /** 2xx answers so far. */
    accepted: () => ok,
    /** One request; `from` is when it was due (an open loop counts the time it waited for a connection). */
    async send(from = performance.now()): Promise<void> {
      const connection = idle.pop() ?? (await new Promise<Connection>((r) => waiting.push(r)));
      try {
        const status = await connection.send();
        latencies.push(performance.now() - from);
        if (status >= 200 && status < 300) ok++;
        else non2xx++;
      } catch {
        errors++;
      }
      const next = waiting.shift();
      if (next) next(connection);
      else idle.push(connection);
    },
    async finish(seconds: number): Promise<LoadResult> {
      for (const c of all) c.close();
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
        latencies,
        cpuMs: null,
        threads: null,
      };
    },
  };
}

/**
 * Closed-loop load: `connections` keep-alive connections, each sending the next request when the last returns. With
 * `pid`, the result carries the CPU that process used meanwhile (all its threads).
 */
export async function runLoad(
  options: LoadTarget & { connections: number; seconds: number; pid?: number },
): Promise<LoadResult> {
  const client = loadClient(options, options.connections);
  const cpuBefore = options.pid === undefined ? null : processCpuMs(options.pid);
  const threadsBefore = options.pid === undefined ? null : threadCpuMs(options.pid);
  const start = performance.now();
  const end = start + options.seconds * 1000;
  // BENCH_TRACE=1: the accepted rate of every quarter second on stderr, to see a ramp-up or a stall.
  let last = 0;
  const trace = process.env.BENCH_TRACE
    ? setInterval(() => {
        const now = client.accepted();
        process.stderr.write(`${(now - last) * 4}/s `);
        last = now;
      }, 250)
    : null;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < end) await client.send();
    }),
  );
  if (trace) {
    clearInterval(trace);
    process.stderr.write('\n');
  }
  const cpuAfter = options.pid === undefined ? null : processCpuMs(options.pid);
  const threadsAfter = options.pid === undefined ? null : threadCpuMs(options.pid);
  const result = await client.finish((performance.now() - start) / 1000);
  if (cpuBefore !== null && cpuAfter !== null) result.cpuMs = cpuAfter - cpuBefore;
  if (threadsBefore && threadsAfter) result.threads = threadsUsed(threadsBefore, threadsAfter);
  return result;
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

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS = 100;

/** A /proc stat file's name field and CPU time (user + system, ms); throws where there is no such file. */
function readStat(file: string): { name: string; ms: number } {
  const stat = fs.readFileSync(file, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS,
  };
}

/** CPU time (user + system, all threads, ms) a process has used so far, from /proc (Linux); null elsewhere. */
function processCpuMs(pid: number): number | null {
  try {
    return readStat(`/proc/${pid}/stat`).ms;
  } catch {
    return null;
  }
}

type ThreadCpu = Map<number, { name: string; ms: number }>;

/** Each thread's CPU so far (ms) with its name, from /proc (Linux); null elsewhere. */
function threadCpuMs(pid: number): ThreadCpu | null {
  try {
    const threads: ThreadCpu = new Map();
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        const { name, ms } = readStat(`/proc/${pid}/task/${tid}/stat`);
        threads.set(Number(tid), { name: Number(tid) === pid ? 'event loop' : name, ms });
      } catch {
        // gone meanwhile
      }
    }
    return threads;
  } catch {
    return null;
  }
}

/**
 * What each thread used between two readings, summed by name (V8's and libuv's helper threads share theirs), busiest
 * first. A thread started meanwhile counts from zero.
 */
function threadsUsed(before: ThreadCpu, after: ThreadCpu): { name: string; cpuMs: number }[] {
  const byName = new Map<string, number>();
  for (const [tid, { name, ms }] of after) {
    byName.set(name, (byName.get(name) ?? 0) + ms - (before.get(tid)?.ms ?? 0));
  }
  return [...byName]
    .map(([name, cpuMs]) => ({ name, cpuMs }))
    .filter((t) => t.cpuMs > 0)
    .sort((a, b) => b.cpuMs - a.cpuMs);
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
