import { getWorkerDbHandle } from '@/db/client';
import { ALERT_JOB_KIND, deliverAlertJob } from '@/lib/alerts/notify';
import { ChurnTable } from '@/lib/churn-table';
import { destinationGate } from '@/lib/destinations/gate';
import { deliveryAllowance } from '@/lib/ingest/pressure';
import { errorFields, logger } from '@/lib/log/logger';
import { executeRunJob } from './execute-run';
import type { OutboundPolicy } from './http-client';
import type { JobRow } from './queue';
import { applyOps, type BookkeepingOp } from './bookkeeping';
import { bookkeep, stopBookkeeping } from './bookkeeping-writer';
import {
  claimedJobs,
  expandedRunBatch,
  nextDueAt,
  onWorkerWake,
  selectClaimCandidates,
  type Job,
} from './queue';

export interface WorkerOptions {
  concurrency?: number;
  perHostConcurrency?: number;
  /** Lease per claim; renewed before each action. A crashed worker's jobs are reclaimed once it expires. */
  leaseMs?: number;
  /** Longest sleep between checks for due work (other processes may add jobs without waking us). */
  pollMs?: number;
  policy?: OutboundPolicy;
  /**
   * Delivery starts per second allowed now (Infinity: no limit); by default what this process's ingest allows
   * (lib/ingest/pressure.ts). The delivery thread is told its main thread's figure.
   */
  allowance?: (now: number) => number;
  /**
   * Claim on this thread's own connection rather than in the bookkeeping thread's next batch: for a worker with a
   * thread of its own (lib/delivery/worker-thread.ts), where a short write does not hold up acknowledgements.
   */
  claimHere?: boolean;
  /**
   * Told whether a wake-up could start anything now: true as each look for due jobs begins (so a job committed just
   * after the look still gets one), false once the worker is at its concurrency or waiting on ingest's allowance,
   * when its own completions and timers bring the next look. Lets a thread's parent skip wake-ups that change nothing.
   */
  wakeUseful?: (useful: boolean) => void;
  /** Extra job kinds (e.g. triggers) handled by this worker. */
  handlers?: Record<string, (job: Job) => Promise<void>>;
}

export interface Worker {
  stop(graceMs?: number): Promise<void>;
}

function envNumber(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/**
 * While ingest limits the starts (lib/ingest/pressure.ts), jobs start in rounds of at least this many (one claim,
 * and bookkeeping that shares commits) rather than one by one: a claim and a commit per job would cost the event
 * loop several times what the deliveries themselves do.
 */
const THROTTLED_ROUND = 10;
const MIN_TICK_INTERVAL_MS = 2;
const MAX_RUNNING_PER_SLOT = 4;

export function startWorker(options: WorkerOptions = {}): Worker {
  // The documented defaults (docs/operations.md): a busy destination is given more with its own limit, a busy
  // worker process with these settings. A slot is held from a job's start to its last response, ~15-20 ms for a
  // local destination on a loaded machine: 32 slots capped a backlog's drain at ~2,200/s with a third of the CPU
  // idle, 64 reached ~2,800-3,000/s (bench:ingest).
  const concurrency = options.concurrency ?? envNumber('HOOKLINE_WORKER_CONCURRENCY', 64);
  const perHost = options.perHostConcurrency ?? envNumber('HOOKLINE_WORKER_PER_HOST', 8);
  const leaseMs = options.leaseMs ?? envNumber('HOOKLINE_LEASE_MS', 30_000);
  const pollMs = options.pollMs ?? envNumber('HOOKLINE_WORKER_POLL_MS', 250);
  const allowanceNow = options.allowance ?? deliveryAllowance;
  const { sqlite } = getWorkerDbHandle();

  // Jobs come and go per delivery: not a Map (lib/churn-table.ts).
  const running = new ChurnTable<{ job: Job; promise: Promise<void> }>();
  /** Running jobs that still hold their slot (see `run`). */
  let active = 0;
  const unstarted: Job[] = [];
  const hostCounts = new Map<string, number>();
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let scheduledTick = false;
  let lastTick = 0;
  let tokens = THROTTLED_ROUND;
  let refilledAt = 0;
  // Pause, circuit breaker, rate limit and max concurrency per destination host (lib/destinations/gate.ts).
  const gate = destinationGate();
  const handlers: Record<string, (job: Job) => Promise<void>> = {
    [ALERT_JOB_KIND]: deliverAlertJob,
    ...options.handlers,
  };

  // The bookkeeping thread commits a claim with its next batch, ~6-10 ms away while deliveries drain a backlog: one
  // claim at a time, the worker then waited for claims with three quarters of its slots free. Here it takes the
  // write lock for about a millisecond.
  const claim = async (ops: BookkeepingOp[]): Promise<unknown[]> =>
    options.claimHere ? sqlite.transaction(() => applyOps(sqlite, ops)).immediate() : bookkeep(ops);

  function run(job: Job): void {
    const host = job.host ?? '';
    hostCounts.set(host, (hostCounts.get(host) ?? 0) + 1);
    active++;
    let released = false;
    // The job's slot (its share of `concurrency` and of its host's limit) is freed once it sends nothing more: a
    // job waiting for its records to commit no longer loads the destination, and the next one can start meanwhile.
    const release = () => {
      if (released) return;
      released = true;
      active--;
      hostCounts.set(host, (hostCounts.get(host) ?? 1) - 1);
      schedule();
    };
    const handler =
      job.kind === 'run'
        ? (j: Job) => executeRunJob(j, { leaseMs, policy: options.policy, done: release })
        : handlers[job.kind];
    const promise = (
      handler ? handler(job) : Promise.reject(new Error(`No handler for job kind ${job.kind}`))
    )
      .catch((error: unknown) => {
        // The lease expires and another claim retries the job; the error must not stop the worker.
        logger.error({ jobId: job.id, kind: job.kind, ...errorFields(error) }, 'Job failed unexpectedly');
      })
      .finally(() => {
        running.delete(job.id);
        release();
        schedule();
      });
    running.set(job.id, { job, promise });
  }

  // One claim at a time: the next tick waits for the last claim to commit (its jobs are leased by then).
  let claiming: Promise<void> | null = null;
  let wokenWhileClaiming = false;

  function tick(): void {
    scheduledTick = false;
    if (stopping) return;
    if (claiming) {
      wokenWhileClaiming = true;
      return;
    }
    lastTick = Date.now();
    options.wakeUseful?.(true);
    // When due jobs are held back (paused, throttled, at their concurrency), wake for the next token instead of
    // spinning on jobs that are due but cannot start.
    let held = false;
    let wakeAt: number | null = null;
    try {
      // While webhooks pour in faster than they are acknowledged, deliveries start at the rate ingest allows
      // (down to a trickle); the backlog drains as soon as the burst ends.
      const allowance = allowanceNow(lastTick);
      const throttled = allowance !== Infinity;
      // Jobs past their slot are waiting for a commit; the cap bounds them should the bookkeeping writer fall behind.
      let free = Math.min(concurrency - active, concurrency * MAX_RUNNING_PER_SLOT - running.size);
      if (!throttled) tokens = THROTTLED_ROUND;
      else {
        // A token bucket holding 50 ms of starts, and at least one round.
        const round = Math.max(THROTTLED_ROUND, Math.floor(allowance / 20));
        tokens = Math.min(round, tokens + ((lastTick - refilledAt) * allowance) / 1000);
        if (tokens < THROTTLED_ROUND) {
          free = 0;
          held = true;
          wakeAt = lastTick + Math.ceil(((THROTTLED_ROUND - tokens) * 1000) / allowance);
        } else free = Math.min(free, Math.floor(tokens));
      }
      refilledAt = lastTick;
      if (free <= 0) options.wakeUseful?.(false);
      else {
        gate.refresh(sqlite, lastTick);
        const planned = new Map<string, number>();
        // Picked here (a read), then claimed in one transaction: on this thread's connection with claimHere, otherwise
        // in the bookkeeping writer's next commit, with other deliveries' records.
        const candidates = selectClaimCandidates(sqlite, {
          limit: free,
          now: lastTick,
          accept: (host) => {
            if (!host) return true;
            const n = (hostCounts.get(host) ?? 0) + (planned.get(host) ?? 0);
            const verdict = gate.admitClaim(host, n, perHost, lastTick);
            if (!verdict.ok) {
              held = true;
              if (verdict.wakeAt !== null) wakeAt = Math.min(wakeAt ?? Infinity, verdict.wakeAt);
              return false;
            }
            planned.set(host, (planned.get(host) ?? 0) + 1);
            return true;
          },
        });
        if (candidates.length > 0) {
          const claimHeld = held;
          const claimWakeAt = wakeAt;
          claiming = claim([{ type: 'claim', ids: candidates.map((c) => c.id), now: lastTick, leaseMs }])
            .then(([rows]) => {
              const jobs = claimedJobs(candidates, rows as JobRow[]);
              if (expandedRunBatch(rows as JobRow[])) wokenWhileClaiming = true; // its run jobs are due now
              if (throttled) tokens -= jobs.length;
              // Stopping meanwhile: these were never started, they go back to the queue with the others.
              for (const job of jobs)
                if (stopping) unstarted.push(job);
                else run(job);
            })
            .catch((error: unknown) => logger.error(errorFields(error), 'Worker claim failed'))
            .finally(() => {
              claiming = null;
              if (wokenWhileClaiming) {
                wokenWhileClaiming = false;
                schedule();
              } else armTimer(claimHeld ? claimWakeAt : undefined);
            });
          return;
        }
      }
    } catch (error) {
      logger.error(errorFields(error), 'Worker claim failed');
    }
    armTimer(held ? wakeAt : undefined);
  }

  /** `heldUntil`: some due jobs were held back; null = until something changes (a completion, a wake-up). */
  function armTimer(heldUntil?: number | null): void {
    if (stopping) return;
    if (timer) clearTimeout(timer);
    let wait = pollMs;
    try {
      if (heldUntil !== undefined) {
        if (heldUntil !== null) wait = Math.min(pollMs, Math.max(0, heldUntil - Date.now()));
      } else {
        const due = nextDueAt(sqlite);
        if (due !== null) wait = Math.min(pollMs, Math.max(0, due - Date.now()));
      }
    } catch {
      /* database busy: poll again */
    }
    const full = active >= concurrency || running.size >= concurrency * MAX_RUNNING_PER_SLOT;
    timer = setTimeout(schedule, Math.max(wait, full ? pollMs : 5));
    timer.unref();
  }

  function schedule(): void {
    if (stopping || scheduledTick) return;
    scheduledTick = true;
    // Coalesce wake-ups: many completions and commits in a burst lead to one claim, not one each.
    const wait = lastTick + MIN_TICK_INTERVAL_MS - Date.now();
    if (wait > 0) setTimeout(tick, wait).unref();
    else setImmediate(tick);
  }

  const unsubscribe = onWorkerWake(schedule);
  schedule();

  return {
    async stop(graceMs = 10_000) {
      stopping = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      await claiming;
      const all = Promise.all([...running.values()].map((r) => r.promise));
      await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
      // Whatever is still in flight goes back to the queue for the next worker (at least once).
      const leftover = [...unstarted, ...[...running.values()].map((r) => r.job)];
      await Promise.all(
        leftover.map((job) =>
          bookkeep([{ type: 'release', job: { id: job.id, claimToken: job.claimToken } }]).catch(() => {
            /* database closing: the lease runs out instead */
          }),
        ),
      );
      await stopBookkeeping();
    },
  };
}
