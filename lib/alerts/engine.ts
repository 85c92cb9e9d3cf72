import { getDbHandle } from '@/db/client';
import { failedRunsLink, type AlertRuleKind } from './kinds';
import { openAlertSubjects, raiseAlert, resolveAlerts } from './raise';
import { isRuleActive, ruleFor } from './rules';
import { setAlertListener, type AlertSignal } from './signals';

// Turns alert signals into alerts, off the caller's stack (setImmediate), and evaluates rates periodically.
// Finished runs are counted in memory per automation in one-minute buckets, so the failure-rate rule costs no SQL
// per run; the counts cover the runs this process's worker finished (the worker runs in one process).

const EVALUATE_EVERY_MS = 20_000;
const RATE_WINDOW_MS = 15 * 60_000;
/**
 * Requests refused for a bad or missing signature since `?`, per hook. Read through events_rejected_idx, which holds
 * only rejected requests (a few hundred per hook at most): 0.2 ms. Through an index on received_at (since dropped)
 * it read every event of the window on the event loop every 20 s: 515 ms per million events, and 15 minutes at 4,000
 * webhooks/s are 3.6 million.
 */
const BAD_SIGNATURES_SQL = `select hook_id, user_id, count(*) as n from events indexed by events_rejected_idx
  where outcome = 'rejected' and received_at > ? and reject_status = 401 and hook_id is not null
  group by hook_id, user_id`;
const BUCKET_MS = 60_000;

interface Counts {
  userId: string;
  buckets: Map<number, { total: number; failed: number }>;
}

export interface AlertEngine {
  stop(): void;
  /** Runs the periodic checks now (tests, and the timer). */
  evaluate(now?: number): void;
}

function automationName(automationId: string): string {
  const row = getDbHandle().sqlite.prepare(`select name from automations where id = ?`).get(automationId) as
    { name: string } | undefined;
  return row?.name ?? automationId;
}

const KEY = Symbol.for('hookline.alerts.engine');
type G = typeof globalThis & { [KEY]?: AlertEngine };

/** Starts this process's alert engine once (later calls return the running one). */
export function startAlertEngine(): AlertEngine {
  const g = globalThis as G;
  if (!g[KEY]) g[KEY] = createAlertEngine();
  return g[KEY];
}

function createAlertEngine(): AlertEngine {
  let open: Map<AlertRuleKind, Set<string>> | null = null;
  const openSet = (kind: AlertRuleKind) => {
    if (!open) open = openAlertSubjects();
    if (!open.has(kind)) open.set(kind, new Set());
    return open.get(kind)!;
  };
  const counts = new Map<string, Counts>();
  const pending: AlertSignal[] = [];
  let scheduled = false;
  let stopped = false;

  const raise = (input: Parameters<typeof raiseAlert>[0]) => {
    const outcome = raiseAlert(input);
    if (outcome) openSet(input.kind).add(input.subjectKey);
    return outcome;
  };
  const resolve = (kind: AlertRuleKind, subject: string, userId?: string) => {
    resolveAlerts(kind, subject, userId);
    if (!userId) openSet(kind).delete(subject);
    else {
      // Other users may still have an open alert for the subject; re-read lazily next time.
      open = null;
    }
  };

  function handle(signal: AlertSignal): void {
    switch (signal.kind) {
      case 'run_finished': {
        if (signal.status === 'failed') {
          raise({
            userId: signal.userId,
            kind: 'run_failed',
            subjectKey: signal.automationId,
            title: `Runs of “${automationName(signal.automationId)}” are failing`,
            message: signal.error ?? 'The run failed after its last attempt.',
            link: failedRunsLink(signal.automationId),
            automationId: signal.automationId,
          });
        } else if (signal.status === 'succeeded' && openSet('run_failed').has(signal.automationId)) {
          resolve('run_failed', signal.automationId, signal.userId);
        }
        return;
      }
      case 'circuit_opened':
        raise({
          userId: signal.userId,
          kind: 'circuit_open',
          subjectKey: signal.host,
          title: `Destination ${signal.host} paused by the circuit breaker`,
          message: `Repeated failures: deliveries to ${signal.host} wait until ${new Date(signal.until).toISOString()}, then one request probes it.`,
          link: '/destinations',
          automationId: signal.automationId,
          host: signal.host,
        });
        return;
      case 'destination_recovered':
        if (openSet('circuit_open').has(signal.host)) resolve('circuit_open', signal.host);
        return;
      case 'action_gone':
        raise({
          userId: signal.userId,
          kind: 'action_gone',
          subjectKey: signal.automationId,
          title: `“${automationName(signal.automationId)}” was disabled: destination gone`,
          message: `Action “${signal.actionName}” got 410 Gone${signal.host ? ` from ${signal.host}` : ''}; the automation was disabled. Fix the URL and enable it again.`,
          link: failedRunsLink(signal.automationId),
          automationId: signal.automationId,
          host: signal.host,
        });
        return;
      case 'poll_failing': {
        const rule = ruleFor(signal.userId, 'poll_failing');
        if (signal.failures < (rule.threshold ?? 3)) return;
        raise({
          userId: signal.userId,
          kind: 'poll_failing',
          subjectKey: signal.automationId,
          title: `Poll trigger of “${automationName(signal.automationId)}” is failing`,
          message: `${signal.failures} failures in a row. ${signal.error ?? ''}`.trim(),
          link: `/automations/${signal.automationId}`,
          automationId: signal.automationId,
        });
        return;
      }
      case 'poll_recovered':
        if (openSet('poll_failing').has(signal.automationId)) {
          resolve('poll_failing', signal.automationId, signal.userId);
        }
        return;
      case 'silence_fired':
        raise({
          userId: signal.userId,
          kind: 'silence_fired',
          subjectKey: signal.automationId,
          title: `Silence: “${automationName(signal.automationId)}” fired`,
          message: 'The hook received nothing for longer than the silence trigger allows.',
          link: `/hooks/${signal.hookId}`,
          automationId: signal.automationId,
          hookId: signal.hookId,
        });
        return;
    }
  }

  function drain(): void {
    scheduled = false;
    for (const signal of pending.splice(0)) {
      try {
        handle(signal);
      } catch (error) {
        console.error(`Alert signal ${signal.kind} could not be processed`, error);
      }
    }
  }

  function count(signal: Extract<AlertSignal, { kind: 'run_finished' }>): void {
    if (signal.status === 'filtered') return;
    let c = counts.get(signal.automationId);
    if (!c) counts.set(signal.automationId, (c = { userId: signal.userId, buckets: new Map() }));
    const b = Math.floor(Date.now() / BUCKET_MS);
    const bucket = c.buckets.get(b) ?? { total: 0, failed: 0 };
    bucket.total++;
    if (signal.status === 'failed') bucket.failed++;
    c.buckets.set(b, bucket);
  }

  setAlertListener((signal) => {
    if (stopped) return;
    if (signal.kind === 'run_finished') {
      count(signal);
      // Most runs succeed: without an open run_failed alert for the automation there is nothing to do.
      if (signal.status !== 'failed' && !(open?.get('run_failed')?.has(signal.automationId) ?? !open)) return;
    }
    pending.push(signal);
    if (!scheduled) {
      scheduled = true;
      setImmediate(drain);
    }
  });

  function evaluateFailureRates(now: number): void {
    const oldest = Math.floor((now - RATE_WINDOW_MS) / BUCKET_MS);
    const rates = openSet('failure_rate');
    for (const [automationId, c] of counts) {
      let total = 0;
      let failed = 0;
      for (const [b, v] of c.buckets) {
        if (b < oldest) c.buckets.delete(b);
        else {
          total += v.total;
          failed += v.failed;
        }
      }
      if (c.buckets.size === 0 && !rates.has(automationId)) {
        counts.delete(automationId);
        continue;
      }
      const rule = ruleFor(c.userId, 'failure_rate');
      const threshold = rule.threshold ?? 50;
      const above = total >= (rule.minRuns ?? 5) && (failed / total) * 100 > threshold;
      if (above && !rates.has(automationId) && isRuleActive(rule, now)) {
        raise({
          userId: c.userId,
          kind: 'failure_rate',
          subjectKey: automationId,
          title: `“${automationName(automationId)}” fails ${Math.round((failed / total) * 100)} % of its runs`,
          message: `${failed} of ${total} runs failed in the last 15 minutes (threshold ${threshold} %).`,
          link: failedRunsLink(automationId),
          automationId,
        });
      } else if (!above && rates.has(automationId)) {
        resolve('failure_rate', automationId, c.userId);
      }
    }
  }

  function evaluateRejections(now: number): void {
    const { sqlite } = getDbHandle();
    // Bad or missing signatures are recorded as rejected events with status 401 (at a bounded rate per hook).
    const rows = sqlite.prepare(BAD_SIGNATURES_SQL).all(now - RATE_WINDOW_MS) as {
      hook_id: string;
      user_id: string;
      n: number;
    }[];
    const openHooks = openSet('hook_rejections');
    const seen = new Set<string>();
    for (const r of rows) {
      const rule = ruleFor(r.user_id, 'hook_rejections');
      const threshold = rule.threshold ?? 10;
      if (r.n < threshold) continue;
      seen.add(r.hook_id);
      if (openHooks.has(r.hook_id)) continue;
      const hook = sqlite.prepare(`select name from hooks where id = ?`).get(r.hook_id) as
        { name: string } | undefined;
      raise({
        userId: r.user_id,
        kind: 'hook_rejections',
        subjectKey: r.hook_id,
        title: `Hook “${hook?.name ?? r.hook_id}” is rejecting requests`,
        message: `${r.n} requests with a bad or missing signature in the last 15 minutes.`,
        link: `/hooks/${r.hook_id}`,
        hookId: r.hook_id,
      });
    }
    for (const hookId of [...openHooks]) if (!seen.has(hookId)) resolve('hook_rejections', hookId);
  }

  function evaluateCircuits(now: number): void {
    const hosts = openSet('circuit_open');
    if (hosts.size === 0) return;
    const { sqlite } = getDbHandle();
    const stmt = sqlite.prepare(`select consecutive_failures, paused_until from destinations where host = ?`);
    for (const host of [...hosts]) {
      const d = stmt.get(host) as { consecutive_failures: number; paused_until: number | null } | undefined;
      // A closed circuit that the signal missed (e.g. the worker restarted since it opened).
      if (!d || (d.consecutive_failures === 0 && (d.paused_until === null || d.paused_until <= now))) {
        resolve('circuit_open', host);
      }
    }
  }

  function evaluate(now = Date.now()): void {
    for (const step of [evaluateFailureRates, evaluateRejections, evaluateCircuits]) {
      try {
        step(now);
      } catch (error) {
        console.error('Alert evaluation failed', error);
      }
    }
  }

  const timer = setInterval(() => evaluate(), EVALUATE_EVERY_MS);
  timer.unref();

  return {
    evaluate,
    stop() {
      stopped = true;
      delete (globalThis as G)[KEY];
      clearInterval(timer);
      setAlertListener(null);
    },
  };
}
