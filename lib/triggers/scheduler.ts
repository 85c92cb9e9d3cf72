import { getDbHandle } from '@/db/client';
import { wakeWorker } from '@/lib/delivery/queue';
import { checkSilence, firePoll, fireSchedule } from './fire';
import { claimDueTriggers, syncTriggerStates, type ClaimedTrigger } from './state';

// The scheduler of pull triggers (schedule, poll, silence). All of its state is in the database (trigger_state,
// poll_seen_keys), so it survives restarts and any number of processes may run it against one file: each tick
// claims due triggers with a lease (see state.ts), and only the claimant fires them.

export interface Scheduler {
  stop(graceMs?: number): Promise<void>;
}

export interface SchedulerOptions {
  tickMs?: number;
  /** Polls in flight at once, per process. */
  concurrency?: number;
}

// Longer than a poll can take (15 s request timeout + evaluation); a crashed claimant's trigger is retried after it.
const LEASE_MS = 60_000;

function envNumber(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function startScheduler(options: SchedulerOptions = {}): Scheduler {
  const tickMs = options.tickMs ?? envNumber('HOOKLINE_SCHEDULER_TICK_MS', 250);
  const concurrency = options.concurrency ?? 16;
  const { sqlite } = getDbHandle();
  const inFlight = new Map<string, Promise<void>>();
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;

  function handle(claim: ClaimedTrigger): Promise<number> | number {
    switch (claim.triggerType) {
      case 'schedule':
        return fireSchedule(sqlite, claim);
      case 'silence':
        return checkSilence(sqlite, claim);
      case 'poll':
        return firePoll(sqlite, claim);
    }
  }

  function dispatch(claim: ClaimedTrigger): void {
    const promise = (async () => {
      try {
        const fired = await handle(claim);
        if (fired > 0) wakeWorker();
      } catch (error) {
        // The lease is kept: the trigger is retried once it expires; the scheduler itself carries on.
        console.error(`Trigger of automation ${claim.automationId} failed unexpectedly`, error);
      }
    })().finally(() => inFlight.delete(claim.automationId));
    inFlight.set(claim.automationId, promise);
  }

  function tick(): void {
    timer = null;
    if (stopping) return;
    try {
      syncTriggerStates(sqlite);
      const now = Date.now();
      const free = concurrency - inFlight.size;
      if (free > 0) {
        const skip = new Set(inFlight.keys());
        const claims = claimDueTriggers(sqlite, { limit: free, leaseMs: LEASE_MS, now, skip });
        for (const claim of claims) dispatch(claim);
      }
    } catch (error) {
      console.error('Scheduler tick failed', error);
    }
    if (!stopping) {
      timer = setTimeout(tick, tickMs);
      timer.unref();
    }
  }

  timer = setTimeout(tick, 0);
  timer.unref();

  return {
    async stop(graceMs = 10_000) {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const all = Promise.allSettled([...inFlight.values()]);
      await Promise.race([all, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    },
  };
}
