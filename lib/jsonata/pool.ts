import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createTimeoutError } from './errors';
import type { Bindings, EvalResult, ExpressionError } from './types';

// One pool per process, even when this module is loaded twice (tsx for server.ts and the Next.js
// server bundle for route handlers): both copies find it on globalThis.
const POOL_KEY = Symbol.for('hookline.jsonata.pool');
const DEFAULT_SIZE = 2;
// jsonata checks its own timeout only between evaluation steps; one long built-in call (a huge
// $replace, say) can overrun it, so the main thread kills the worker a little later.
const KILL_GRACE_MS = 500;
const WORKER_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 };

export interface PoolRequest {
  exprs: string[];
  input: unknown;
  bindings: Bindings;
  timeoutMs: number;
}

interface Job extends PoolRequest {
  id: number;
  next: number; // index of the expression the worker is evaluating now
  results: EvalResult[];
  resolve: (results: EvalResult[]) => void;
}

interface Slot {
  worker: Worker | null;
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  spawnedAt: number;
}

type WorkerMessage = { type: 'ready' } | { type: 'item'; id: number; index: number; result: EvalResult };

export interface PoolStats {
  size: number;
  workers: number;
  busy: number;
  queued: number;
  /** Round-trips to the pool (one per evaluateExpression/renderTemplate/evaluateMany call). */
  jobs: number;
  spawned: number;
  killed: number;
  crashed: number;
  /** Milliseconds from spawning the most recent worker until it was ready to evaluate. */
  lastStartupMs: number | null;
}

export class JsonataPool {
  closed = false;
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private readonly stats = {
    jobs: 0,
    spawned: 0,
    killed: 0,
    crashed: 0,
    lastStartupMs: null as number | null,
  };

  constructor(
    size: number,
    private readonly workerPath: string,
  ) {
    this.slots = Array.from({ length: size }, () => ({
      worker: null,
      ready: false,
      job: null,
      timer: null,
      spawnedAt: 0,
    }));
  }

  run(request: PoolRequest): Promise<EvalResult[]> {
    if (request.exprs.length === 0) return Promise.resolve([]);
    if (this.closed)
      return Promise.resolve(
        request.exprs.map(() => fail({ message: 'Expression pool is shut down', code: 'SHUTDOWN' })),
      );
    this.stats.jobs++;
    return new Promise((resolve) => {
      this.queue.push({ ...request, id: this.nextId++, next: 0, results: [], resolve });
      this.pump();
    });
  }

  getStats(): PoolStats {
    return {
      size: this.slots.length,
      workers: this.slots.filter((s) => s.worker).length,
      busy: this.slots.filter((s) => s.job).length,
      queued: this.queue.length,
      ...this.stats,
    };
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    const error = fail({ message: 'Expression pool is shut down', code: 'SHUTDOWN' });
    const exits: Promise<number>[] = [];
    for (const slot of this.slots) {
      const { worker, job } = this.detach(slot);
      if (worker) exits.push(worker.terminate());
      if (job) finishWith(job, error);
    }
    for (const job of this.queue.splice(0)) finishWith(job, error);
    await Promise.all(exits);
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const idle = this.slots.find((s) => s.worker && s.ready && !s.job);
      if (!idle) break;
      this.assign(idle, this.queue.shift() as Job);
    }
    const starting = this.slots.filter((s) => s.worker && !s.ready).length;
    let wanted = this.queue.length - starting;
    for (const slot of this.slots) {
      if (wanted <= 0 || this.closed) break;
      if (!slot.worker) {
        this.spawn(slot);
        wanted--;
      }
    }
    this.updateRefs();
  }

  private assign(slot: Slot, job: Job): void {
    const worker = slot.worker as Worker;
    try {
      const { id, exprs, input, bindings, timeoutMs, next } = job;
      worker.postMessage({ type: 'run', id, exprs, start: next, input, bindings, timeoutMs });
    } catch (err) {
      // Input that cannot cross the thread boundary (functions, class instances with private state).
      const message = `Input cannot be evaluated: ${err instanceof Error ? err.message : String(err)}`;
      finishWith(job, fail({ message, code: 'INPUT' }));
      return;
    }
    slot.job = job;
    this.armDeadline(slot);
  }

  private armDeadline(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    const job = slot.job as Job;
    slot.timer = setTimeout(
      () => this.stop(slot, createTimeoutError(job.timeoutMs)),
      job.timeoutMs + KILL_GRACE_MS,
    );
  }

  private spawn(slot: Slot): void {
    const worker = new Worker(this.workerPath, { execArgv: [], env: {}, resourceLimits: WORKER_LIMITS });
    this.stats.spawned++;
    Object.assign(slot, { worker, ready: false, job: null, timer: null, spawnedAt: performance.now() });
    worker.unref();
    worker.on('message', (msg: WorkerMessage) => {
      if (slot.worker === worker) this.onMessage(slot, msg);
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (slot.worker === worker) this.onCrash(slot, err);
    });
    worker.on('exit', (code) => {
      if (slot.worker === worker) this.onCrash(slot, new Error(`Expression worker exited with code ${code}`));
    });
  }

  private onMessage(slot: Slot, msg: WorkerMessage): void {
    if (msg.type === 'ready') {
      slot.ready = true;
      this.stats.lastStartupMs = Math.round(performance.now() - slot.spawnedAt);
      this.pump();
      return;
    }
    const job = slot.job;
    if (!job || msg.id !== job.id) return;
    job.results[msg.index] = msg.result;
    job.next = msg.index + 1;
    if (job.next < job.exprs.length) {
      this.armDeadline(slot);
      return;
    }
    this.clearJob(slot);
    job.resolve(job.results);
    this.pump();
  }

  private onCrash(slot: Slot, err: Error & { code?: string }): void {
    this.stats.crashed++;
    if (!slot.ready) {
      // The worker never started (bad path, missing dependency): nothing queued will ever run
      // unless another worker is alive, so fail the queue instead of respawning in a loop.
      this.detach(slot);
      if (!this.slots.some((s) => s.worker)) {
        const error = fail({
          message: `Expression worker failed to start: ${err.message}`,
          code: 'WORKER_UNAVAILABLE',
        });
        for (const job of this.queue.splice(0)) finishWith(job, error);
      }
      this.updateRefs();
      return;
    }
    const outOfMemory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
    this.stop(
      slot,
      outOfMemory
        ? { message: 'Expression used too much memory and was stopped', code: 'MEMORY' }
        : { message: `Expression worker crashed: ${err.message}`, code: 'WORKER_CRASHED' },
    );
  }

  /** Kills the slot's worker: its current expression fails, the rest of its job is requeued. */
  private stop(slot: Slot, error: ExpressionError): void {
    const { worker, job } = this.detach(slot);
    if (worker) {
      this.stats.killed++;
      void worker.terminate();
    }
    if (job) {
      job.results[job.next] = fail(error);
      job.next++;
      if (job.next < job.exprs.length) this.queue.unshift(job);
      else job.resolve(job.results);
    }
    if (!this.closed) this.spawn(slot);
    this.pump();
  }

  private detach(slot: Slot): { worker: Worker | null; job: Job | null } {
    const { worker, job } = slot;
    this.clearJob(slot);
    slot.worker = null;
    slot.ready = false;
    return { worker, job };
  }

  private clearJob(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
  }

  // Idle workers must not keep the process alive (tests and the CLI have to exit), but a worker
  // with work in hand must, or a top-level `await evaluateExpression()` could be abandoned.
  private updateRefs(): void {
    for (const slot of this.slots) {
      if (!slot.worker) continue;
      if (slot.job || (!slot.ready && this.queue.length > 0)) slot.worker.ref();
      else slot.worker.unref();
    }
  }
}

function fail(error: ExpressionError): EvalResult {
  return { ok: false, error };
}

function finishWith(job: Job, result: EvalResult): void {
  for (let i = job.next; i < job.exprs.length; i++) job.results[i] = result;
  job.resolve(job.results);
}

function resolveWorkerPath(): string {
  return process.env.HOOKLINE_JSONATA_WORKER || path.join(process.cwd(), 'lib/jsonata/eval-worker.mjs');
}

export function getJsonataPool(): JsonataPool {
  const store = globalThis as unknown as Record<symbol, JsonataPool | undefined>;
  let pool = store[POOL_KEY];
  if (!pool || pool.closed) {
    pool = new JsonataPool(DEFAULT_SIZE, resolveWorkerPath());
    store[POOL_KEY] = pool;
  }
  return pool;
}

export function getJsonataPoolStats(): PoolStats {
  return getJsonataPool().getStats();
}

export async function shutdownJsonataPool(): Promise<void> {
  const store = globalThis as unknown as Record<symbol, JsonataPool | undefined>;
  const pool = store[POOL_KEY];
  store[POOL_KEY] = undefined;
  if (pool) await pool.shutdown();
}
