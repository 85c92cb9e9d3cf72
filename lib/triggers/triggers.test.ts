import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDbHandle } from '@/db/client';
import { createAutomation, setEnabled, updateAutomation } from '@/lib/automations/automations';
import { newId } from '@/lib/ids';
import { shutdownJsonataPool } from '@/lib/jsonata';
import { addHook, addUser, useTempDatabase } from '@/test/support/db';
import { checkSilence, firePoll, fireSchedule } from './fire';
import { pollNow } from './poll-now';
import { claimDueTriggers, syncTriggerStates } from './state';
import { getTriggerStatus, silenceStatusForHook } from './status';
import { nextCronTime, pollDelayMs } from './timing';

let db: ReturnType<typeof useTempDatabase>;
const userId = newId('usr');
const hookId = newId('hk');
let api: http.Server;
let apiUrl = '';
let apiBody: string | (() => string) = '{"items": []}';
let apiStatus = 200;

const sqlite = () => getDbHandle().sqlite;
const count = (sql: string, ...args: unknown[]) =>
  (
    sqlite()
      .prepare(sql)
      .get(...args) as { n: number }
  ).n;
const claim = (now: number) => claimDueTriggers(sqlite(), { limit: 10, leaseMs: 60_000, now });

beforeAll(async () => {
  process.env.HOOKLINE_ALLOW_PRIVATE_NETWORKS = 'true';
  db = useTempDatabase();
  addUser(userId, 't@example.com');
  addHook(hookId, userId, 'Payments');
  api = http.createServer((_req, res) => {
    res.writeHead(apiStatus, { 'content-type': 'application/json' });
    res.end(typeof apiBody === 'function' ? apiBody() : apiBody);
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/items`;
});
afterAll(async () => {
  api?.close();
  await shutdownJsonataPool();
  db.cleanup();
});

const base = { filter: null, actions: [] };

describe('timing', () => {
  it('computes cron times in UTC by default and in a timezone', () => {
    const t = Date.parse('2024-01-01T00:00:02.000Z');
    expect(new Date(nextCronTime('*/2 * * * * *', undefined, t)!).toISOString()).toBe(
      '2024-01-01T00:00:04.000Z',
    );
    expect(new Date(nextCronTime('0 9 * * *', 'Europe/Paris', t)!).toISOString()).toBe(
      '2024-01-01T08:00:00.000Z',
    );
  });
  it('backs polls off exponentially after repeated failures, capped at an hour', () => {
    expect(pollDelayMs(10, 0)).toBe(10_000);
    expect(pollDelayMs(10, 1)).toBe(10_000);
    expect(pollDelayMs(10, 3)).toBe(40_000);
    expect(pollDelayMs(10, 30)).toBe(3600_000);
  });
});

describe('schedule trigger', () => {
  it('fires at the scheduled time, collapses missed ticks into one, and never fires for a disabled automation', () => {
    const a = createAutomation(userId, {
      ...base,
      name: 'Every minute',
      trigger: { type: 'schedule', cron: '* * * * *' },
    });
    const t0 = Date.parse('2030-01-01T00:00:30.000Z');
    syncTriggerStates(sqlite(), t0);
    expect(claim(t0)).toEqual([]);
    // Two processes racing for the same due tick: only one claim succeeds.
    const due = Date.parse('2030-01-01T00:01:00.100Z');
    const [c] = claim(due);
    expect(c.nextFireAt).toBe(Date.parse('2030-01-01T00:01:00.000Z'));
    expect(claim(due)).toEqual([]);
    expect(fireSchedule(sqlite(), c, due)).toBe(1);
    const ev = sqlite().prepare(`select * from events where source = 'schedule'`).get() as Record<
      string,
      unknown
    >;
    expect(ev.received_at).toBe(Date.parse('2030-01-01T00:01:00.000Z'));
    expect(JSON.parse(String(ev.body_parsed))).toEqual({
      scheduledAt: '2030-01-01T00:01:00.000Z',
      cron: '* * * * *',
      timezone: 'UTC',
    });
    expect(
      count(`select count(*) n from runs where automation_id = ? and trigger_type = 'schedule'`, a.id),
    ).toBe(1);

    // Down for an hour: one fire on start, then the next future time.
    const later = Date.parse('2030-01-01T01:00:10.000Z');
    const [missed] = claim(later);
    expect(fireSchedule(sqlite(), missed, later)).toBe(1);
    expect(claim(later)).toEqual([]);
    expect(getTriggerStatus(userId, a.id)!.nextFireAt).toBe('2030-01-01T01:01:00.000Z');

    setEnabled(userId, a.id, false);
    syncTriggerStates(sqlite(), later);
    expect(claim(Date.parse('2030-01-01T02:00:00.000Z'))).toEqual([]);
    expect(count(`select count(*) n from events where source = 'schedule'`)).toBe(2);
  });
});

describe('poll trigger', () => {
  it('takes a baseline, then turns only new keys into events; failures keep the seen keys', async () => {
    apiBody = '{"items": [{"id": 1}, {"id": 2}]}';
    const a = createAutomation(userId, {
      ...base,
      name: 'Poll',
      trigger: { type: 'poll', url: apiUrl, intervalSeconds: 30, items: 'items', key: 'id' },
    });
    let now = Date.now();
    syncTriggerStates(sqlite(), now);
    const poll = async () => {
      const claims = claim(now).filter((c) => c.automationId === a.id);
      expect(claims).toHaveLength(1);
      const fired = await firePoll(sqlite(), claims[0], now);
      now += 31_000;
      return fired;
    };
    const preview = await pollNow({ id: userId }, a.id);
    expect(preview.items.map((i) => [i.key, i.seen])).toEqual([
      ['1', false],
      ['2', false],
    ]);
    expect(await poll()).toBe(0); // baseline
    expect(getTriggerStatus(userId, a.id)!.baselineTaken).toBe(true);
    apiBody = '{"items": [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}, {"id": 4}]}';
    expect((await pollNow({ id: userId }, a.id)).items.map((i) => i.seen)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(await poll()).toBe(2);
    expect(await poll()).toBe(0);
    const bodies = (
      sqlite().prepare(`select body_parsed from events where source = 'poll' order by id`).all() as {
        body_parsed: string;
      }[]
    ).map((r) => JSON.parse(r.body_parsed));
    expect(bodies).toEqual([{ id: 3 }, { id: 4 }]);

    apiStatus = 500;
    expect(await poll()).toBe(0);
    let status = getTriggerStatus(userId, a.id)!;
    expect(status.lastError).toBe('The API answered HTTP 500');
    expect(status.consecutiveFailures).toBe(1);
    apiStatus = 200;
    apiBody = '{"items": "nope"}';
    expect(await poll()).toBe(0);
    status = getTriggerStatus(userId, a.id)!;
    expect(status.lastError).toBe('items must give a list, got a string');
    expect(status.consecutiveFailures).toBe(2);
    expect(count(`select count(*) n from poll_seen_keys where automation_id = ?`, a.id)).toBe(4);
    // The backoff: the next poll is two intervals after the second failure.
    expect(Date.parse(status.nextFireAt!) - Date.parse(status.lastErrorAt!)).toBe(60_000);

    apiBody = '{"items": [{"id": 5}, {"id": 4}]}';
    now += 60_000;
    expect(await poll()).toBe(1);
    status = getTriggerStatus(userId, a.id)!;
    expect(status.lastError).toBeNull();
    expect(status.consecutiveFailures).toBe(0);

    // Editing the request starts a new baseline.
    updateAutomation(userId, a.id, {
      trigger: { type: 'poll', url: apiUrl + '?v=2', intervalSeconds: 30, items: 'items', key: 'id' },
    });
    syncTriggerStates(sqlite(), now);
    expect(getTriggerStatus(userId, a.id)!.baselineTaken).toBe(false);
    expect(await poll()).toBe(0);
    expect(count(`select count(*) n from events where source = 'poll'`)).toBe(3);
  });
});

describe('silence trigger', () => {
  it('fires once after the quiet period and re-arms after the next event', () => {
    const a = createAutomation(userId, {
      ...base,
      name: 'Silence',
      trigger: { type: 'silence', hookId, afterSeconds: 60 },
    });
    const created = a.createdAt;
    syncTriggerStates(sqlite(), created);
    const check = (now: number) => {
      const claims = claim(now).filter((c) => c.automationId === a.id);
      return claims.length === 0 ? null : checkSilence(sqlite(), claims[0], now);
    };
    expect(check(created)).toBe(0); // sets the fire time
    expect(check(created + 30_000)).toBeNull();
    expect(check(created + 61_000)).toBe(1);
    expect(silenceStatusForHook(userId, hookId).triggers[0]).toMatchObject({ armed: false });
    expect(check(created + 200_000)).toBe(0);
    const ev = sqlite().prepare(`select body_parsed from events where source = 'silence'`).get() as {
      body_parsed: string;
    };
    expect(JSON.parse(ev.body_parsed)).toMatchObject({
      hookId,
      hookName: 'Payments',
      afterSeconds: 60,
      lastEventAt: null,
    });

    const eventAt = created + 300_000;
    sqlite().prepare(`update hooks set last_event_at = ? where id = ?`).run(eventAt, hookId);
    expect(silenceStatusForHook(userId, hookId).triggers[0]).toMatchObject({ armed: true });
    expect(check(eventAt + 10_000)).toBe(0); // re-armed
    expect(check(eventAt + 61_000)).toBe(1);
    expect(count(`select count(*) n from events where source = 'silence'`)).toBe(2);
  });
});

describe('trigger validation and ownership', () => {
  it('refuses a poll interval under 5 s and a silence period under 60 s', () => {
    const poll = { type: 'poll', url: apiUrl, intervalSeconds: 4, items: 'items', key: 'id' };
    expect(() => createAutomation(userId, { ...base, name: 'Too fast', trigger: poll })).toThrow(
      expect.objectContaining({
        fields: expect.objectContaining({ 'trigger.intervalSeconds': 'intervalSeconds must be at least 5' }),
      }),
    );
    const silence = { type: 'silence', hookId, afterSeconds: 59 };
    expect(() => createAutomation(userId, { ...base, name: 'Too soon', trigger: silence })).toThrow(
      expect.objectContaining({
        fields: expect.objectContaining({ 'trigger.afterSeconds': 'afterSeconds must be at least 60' }),
      }),
    );
  });

  it("Poll now refuses another user's automation with a 404", async () => {
    const a = createAutomation(userId, {
      ...base,
      name: 'Mine',
      trigger: { type: 'poll', url: apiUrl, intervalSeconds: 30, items: 'items', key: 'id' },
    });
    await expect(pollNow({ id: newId('usr') }, a.id)).rejects.toMatchObject({ status: 404 });
    await expect(
      pollNow(
        { id: newId('usr') },
        { automationId: a.id, draft: { trigger: { type: 'poll', url: apiUrl, items: 'items', key: 'id' } } },
      ),
    ).rejects.toMatchObject({ status: 404 });
  });
});
