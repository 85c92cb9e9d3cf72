import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb, getDbHandle } from '@/db/client';
import { events, hooks, users } from '@/db/schema';
import { pruneHistory } from '@/lib/retention';
import { useTempDatabase } from '@/test/support/db';
import { listAlerts, markAlertRead, markAllAlertsRead, unreadAlertCount } from './alerts';
import { createChannel, listChannels } from './channels';
import { startAlertEngine, type AlertEngine } from './engine';
import { raiseAlert, resolveAlerts } from './raise';
import { listRules, updateRule } from './rules';
import { emitAlertSignal, emitTriggerSignal } from './signals';

let cleanup: () => void;

function insertUser(id: string) {
  const now = Date.now();
  getDb()
    .insert(users)
    .values({ id, email: `${id}@example.com`, passwordHash: 'x', createdAt: now, updatedAt: now })
    .run();
}

function alertJobs(): { payload: string }[] {
  return getDbHandle().sqlite.prepare(`select payload from jobs where kind = 'alert' order by id`).all() as {
    payload: string;
  }[];
}

/** Signals are handled on setImmediate: let that turn pass. */
const settle = () => new Promise((r) => setImmediate(r));

beforeAll(() => {
  ({ cleanup } = useTempDatabase());
  for (const id of ['usr_a', 'usr_b', 'usr_c', 'usr_d']) insertUser(id);
});
afterAll(() => cleanup());

describe('rules', () => {
  it('creates the defaults on first use', () => {
    const rules = listRules('usr_a');
    expect(rules.map((r) => r.kind)).toEqual([
      'run_failed',
      'failure_rate',
      'circuit_open',
      'poll_failing',
      'silence_fired',
      'hook_rejections',
      'action_gone',
    ]);
    expect(rules.find((r) => r.kind === 'failure_rate')).toMatchObject({ threshold: 50, minRuns: 5 });
    expect(rules.every((r) => r.enabled && r.windowMinutes === 15)).toBe(true);
  });

  it('rejects an unknown kind and bad thresholds', () => {
    expect(() => updateRule('usr_a', 'nope', {})).toThrow(/kind/);
    expect(() => updateRule('usr_a', 'failure_rate', { threshold: 0 })).toThrow();
  });
});

describe('grouping', () => {
  const input = {
    userId: 'usr_a',
    kind: 'run_failed' as const,
    subjectKey: 'aut_1',
    title: 'Runs of “x” are failing',
    message: 'boom',
    link: '/runs?automationId=aut_1&status=failed',
  };

  it('collapses repeats within the window, notifies on open and resolve only', () => {
    createChannel('usr_a', { type: 'webhook', name: 'hook', url: 'https://example.com/x', preset: 'slack' });
    expect(JSON.stringify(listChannels('usr_a'))).not.toContain('https://example.com/x');
    const t0 = Date.now();
    const first = raiseAlert(input, t0);
    const second = raiseAlert({ ...input, message: 'boom again' }, t0 + 1000);
    expect(first?.opened).toBe(true);
    expect(second).toEqual({ alertId: first!.alertId, opened: false });
    const [alert] = listAlerts('usr_a', {}).items;
    expect(alert).toMatchObject({ count: 2, message: 'boom again', status: 'open' });
    expect(alertJobs()).toHaveLength(1);

    expect(resolveAlerts('run_failed', 'aut_1', 'usr_a')).toBe(1);
    expect(resolveAlerts('run_failed', 'aut_1', 'usr_a')).toBe(0);
    expect(listAlerts('usr_a', { status: 'resolved' }).items).toHaveLength(1);
    expect(alertJobs().map((j) => JSON.parse(j.payload).phase)).toEqual(['opened', 'resolved']);
  });

  it('starts a new alert when the cause returns after the window', () => {
    const t0 = Date.now();
    const a = raiseAlert({ ...input, subjectKey: 'aut_2' }, t0);
    const b = raiseAlert({ ...input, subjectKey: 'aut_2' }, t0 + 16 * 60_000);
    expect(b?.opened).toBe(true);
    expect(b?.alertId).not.toBe(a?.alertId);
  });

  it('prune removes resolved alerts past retention and keeps open ones', async () => {
    const old = Date.now() - 40 * 86_400_000;
    raiseAlert({ ...input, userId: 'usr_c', subjectKey: 'aut_old_resolved' }, old);
    resolveAlerts('run_failed', 'aut_old_resolved', 'usr_c');
    raiseAlert({ ...input, userId: 'usr_c', subjectKey: 'aut_old_open' }, old);
    await pruneHistory({ days: 30 });
    expect(listAlerts('usr_c', { status: 'resolved' }).items).toHaveLength(0);
    expect(listAlerts('usr_c', { status: 'open' }).items).toHaveLength(1);
    expect(listAlerts('usr_c', {}).items).toHaveLength(1);
  });

  it('a muted or disabled rule raises nothing', () => {
    updateRule('usr_b', 'run_failed', { muteHours: 1 });
    expect(raiseAlert({ ...input, userId: 'usr_b' })).toBeNull();
    updateRule('usr_b', 'run_failed', { muteHours: 0, enabled: false });
    expect(raiseAlert({ ...input, userId: 'usr_b' })).toBeNull();
    updateRule('usr_b', 'run_failed', { enabled: true });
    expect(raiseAlert({ ...input, userId: 'usr_b' })?.opened).toBe(true);
  });

  it('read state is per user', () => {
    const before = unreadAlertCount('usr_a');
    expect(before).toBeGreaterThan(0);
    const [first] = listAlerts('usr_a', { unread: '1' }).items;
    expect(() => markAlertRead('usr_b', first.id)).toThrow(/not found/);
    markAlertRead('usr_a', first.id);
    expect(unreadAlertCount('usr_a')).toBe(before - 1);
    markAllAlertsRead('usr_a');
    expect(unreadAlertCount('usr_a')).toBe(0);
  });
});

describe('engine', () => {
  let engine: AlertEngine;
  beforeAll(() => {
    engine = startAlertEngine();
  });
  afterAll(() => engine.stop());

  it('raises poll_failing at the threshold and resolves it on recovery', async () => {
    const claim = { userId: 'usr_c', automationId: 'aut_poll' };
    emitTriggerSignal('poll_failing', claim, { failures: 2, error: 'HTTP 500' });
    await settle();
    expect(listAlerts('usr_c', { kind: 'poll_failing' }).items).toHaveLength(0);
    emitTriggerSignal('poll_failing', claim, { failures: 3, error: 'HTTP 500' });
    emitTriggerSignal('poll_failing', claim, { failures: 4, error: 'HTTP 500' });
    await settle();
    const [alert] = listAlerts('usr_c', { kind: 'poll_failing' }).items;
    expect(alert).toMatchObject({ status: 'open', count: 2 });
    emitTriggerSignal('poll_recovered', claim, {});
    await settle();
    expect(listAlerts('usr_c', { kind: 'poll_failing' }).items[0].status).toBe('resolved');
  });

  it('opens a circuit alert per user and resolves every user’s when the host recovers', async () => {
    for (const userId of ['usr_c', 'usr_d']) {
      emitAlertSignal({ kind: 'circuit_opened', userId, automationId: 'aut_x', host: 'api.test', until: 1 });
    }
    await settle();
    expect(listAlerts('usr_c', { kind: 'circuit_open', status: 'open' }).items).toHaveLength(1);
    expect(listAlerts('usr_d', { kind: 'circuit_open', status: 'open' }).items).toHaveLength(1);
    emitAlertSignal({ kind: 'destination_recovered', host: 'api.test' });
    await settle();
    expect(listAlerts('usr_c', { kind: 'circuit_open', status: 'open' }).items).toHaveLength(0);
    expect(listAlerts('usr_d', { kind: 'circuit_open', status: 'open' }).items).toHaveLength(0);
  });

  it('raises hook_rejections at the threshold of bad signatures in 15 minutes, and resolves after', () => {
    const now = Date.now();
    getDb()
      .insert(hooks)
      .values({
        id: 'hook_r',
        userId: 'usr_c',
        name: 'Stripe',
        token: 'tok_r',
        allowedMethods: ['POST'],
        verification: { scheme: 'none' },
        allowedIps: [],
        maxBodyBytes: 1024,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    const reject = (i: number, status: number) =>
      getDb()
        .insert(events)
        .values({
          id: `evt_r${status}_${i}`,
          userId: 'usr_c',
          hookId: 'hook_r',
          source: 'webhook',
          outcome: 'rejected',
          rejectStatus: status,
          method: 'POST',
          receivedAt: now - 1000,
        })
        .run();
    for (let i = 0; i < 9; i++) reject(i, 401);
    for (let i = 0; i < 5; i++) reject(i, 429); // rate-limited requests are not bad signatures
    engine.evaluate(now);
    expect(listAlerts('usr_c', { kind: 'hook_rejections' }).items).toHaveLength(0);
    reject(9, 401);
    engine.evaluate(now);
    const [alert] = listAlerts('usr_c', { kind: 'hook_rejections' }).items;
    expect(alert).toMatchObject({ status: 'open', title: 'Hook “Stripe” is rejecting requests' });
    engine.evaluate(now + 16 * 60_000);
    expect(listAlerts('usr_c', { kind: 'hook_rejections' }).items[0].status).toBe('resolved');
  });

  it('raises failure_rate from counted runs above the threshold, and resolves below it', async () => {
    const run = (status: 'succeeded' | 'failed') =>
      emitAlertSignal({
        kind: 'run_finished',
        userId: 'usr_d',
        runId: 'run_x',
        automationId: 'aut_rate',
        status,
        error: null,
      });
    for (let i = 0; i < 3; i++) run('failed');
    run('succeeded');
    await settle();
    engine.evaluate();
    // 4 runs: under the minimum of 5.
    expect(listAlerts('usr_d', { kind: 'failure_rate' }).items).toHaveLength(0);
    run('failed');
    await settle();
    engine.evaluate();
    expect(listAlerts('usr_d', { kind: 'failure_rate', status: 'open' }).items).toHaveLength(1);
    for (let i = 0; i < 5; i++) run('succeeded');
    await settle();
    engine.evaluate();
    expect(listAlerts('usr_d', { kind: 'failure_rate', status: 'open' }).items).toHaveLength(0);
    expect(listAlerts('usr_d', { kind: 'failure_rate', status: 'resolved' }).items).toHaveLength(1);
  });
});
