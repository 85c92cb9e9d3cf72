import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { automations, events, jobs, users } from '@/db/schema';
import { decrypt } from '@/lib/crypto/encryption';
import { ValidationError } from '@/lib/errors';
import { getEvent, listEvents, replayEvent } from '@/lib/events/events';
import { newId } from '@/lib/ids';
import { idAt, useTempDatabase } from '@/test/support/db';
import {
  createHook,
  deleteHook,
  getHook,
  hookStats,
  hookUrl,
  listHooks,
  readVerification,
  regenerateHookToken,
  toApiHook,
  updateHook,
  verificationConfig,
} from './hooks';

let cleanup: () => void;
const alice = { id: 'usr_alice' };
const bob = { id: 'usr_bob' };

function insertUser(id: string) {
  const now = Date.now();
  getDb()
    .insert(users)
    .values({ id, email: `${id}@example.com`, passwordHash: 'x', createdAt: now, updatedAt: now })
    .run();
}

function fieldsOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.fields ?? {};
    throw e;
  }
  throw new Error('expected a ValidationError');
}

beforeAll(() => {
  ({ cleanup } = useTempDatabase());
  insertUser(alice.id);
  insertUser(bob.id);
});
afterAll(() => cleanup());

describe('hooks', () => {
  it('creates a hook with defaults and an unguessable token', () => {
    const hook = createHook(alice, { name: '  Stripe  ' });
    expect(hook.name).toBe('Stripe');
    expect(hook.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const api = toApiHook(hook, 'http://example.test');
    expect(api).toMatchObject({
      url: `http://example.test/h/${hook.token}`,
      enabled: true,
      allowedMethods: ['POST'],
      verification: { scheme: 'none', secretCount: 0 },
      allowedIps: [],
      maxBodyBytes: 1024 * 1024,
      rateLimit: { perSecond: 100, burst: 200 },
      dedupe: null,
      response: null,
    });
  });

  it('stores secrets encrypted, never returns them, and keeps them on PATCH with the same scheme', () => {
    const hook = createHook(alice, { name: 'gh', verification: { scheme: 'github', secret: 'gh-secret-1' } });
    expect(JSON.stringify(hook.verification)).not.toContain('gh-secret-1');
    expect(verificationConfig(hook).secrets).toEqual(['gh-secret-1']);
    expect(JSON.stringify(toApiHook(hook, 'http://x'))).not.toContain('gh-secret-1');

    const renamed = updateHook(alice, hook.id, { name: 'GitHub', verification: { scheme: 'github' } });
    expect(verificationConfig(renamed).secrets).toEqual(['gh-secret-1']);

    const rotated = updateHook(alice, hook.id, {
      verification: { scheme: 'github', secret: 'gh-secret-2', keepCurrentSecret: true },
    });
    expect(verificationConfig(rotated).secrets).toEqual(['gh-secret-2', 'gh-secret-1']);
    expect(toApiHook(rotated, 'http://x').verification.secretCount).toBe(2);

    const dropped = updateHook(alice, hook.id, { verification: { scheme: 'github', secondarySecret: null } });
    expect(verificationConfig(dropped).secrets).toEqual(['gh-secret-2']);

    const both = updateHook(alice, hook.id, {
      verification: { scheme: 'github', secret: 'a-new-one', secondarySecret: 'old-one' },
    });
    expect(readVerification(both).secrets.map((s) => decrypt(s))).toEqual(['a-new-one', 'old-one']);
  });

  it('needs a secret for a new non-none scheme', () => {
    expect(
      fieldsOf(() => createHook(alice, { name: 'x', verification: { scheme: 'stripe' } })),
    ).toHaveProperty(['verification.secret']);
    const hook = createHook(alice, { name: 'y', verification: { scheme: 'github', secret: 's' } });
    expect(
      fieldsOf(() => updateHook(alice, hook.id, { verification: { scheme: 'shopify' } })),
    ).toHaveProperty(['verification.secret']);
  });

  it('validates input with per-field messages', () => {
    const fields = fieldsOf(() =>
      createHook(alice, {
        name: '',
        verification: { scheme: 'md5' },
        allowedIps: ['10.0.0.0/8', 'not-an-ip', '2001:db8::/129'],
        maxBodyBytes: 26 * 1024 * 1024,
        dedupe: { expression: 'a +' },
        allowedMethods: [],
      }),
    );
    expect(Object.keys(fields).sort()).toEqual(
      [
        'allowedIps.1',
        'allowedIps.2',
        'allowedMethods',
        'dedupe.expression',
        'maxBodyBytes',
        'name',
        'verification.scheme',
      ].sort(),
    );
  });

  it('is owner-scoped, paginates newest first, regenerates tokens and deletes', () => {
    const mine = createHook(alice, { name: 'mine' });
    expect(() => getHook(bob, mine.id)).toThrow('Hook not found');
    expect(() => updateHook(bob, mine.id, { name: 'stolen' })).toThrow('Hook not found');
    expect(() => deleteHook(bob, mine.id)).toThrow('Hook not found');

    for (let i = 0; i < 3; i++) createHook(bob, { name: `b${i}` });
    const first = listHooks(bob, { limit: 2 });
    expect(first.items.map((h) => h.name)).toEqual(['b2', 'b1']);
    const second = listHooks(bob, { limit: 2, cursor: first.nextCursor });
    expect(second.items.map((h) => h.name)).toEqual(['b0']);
    expect(second.nextCursor).toBeNull();

    const regenerated = regenerateHookToken(alice, mine.id);
    expect(regenerated.token).not.toBe(mine.token);
    expect(hookUrl(regenerated.token, 'http://h:1/')).toBe(`http://h:1/h/${regenerated.token}`);
    deleteHook(alice, mine.id);
    expect(() => getHook(alice, mine.id)).toThrow('Hook not found');
  });
});

describe('hook stats', () => {
  it("counts each outcome of the last 24 h, by the events' ids, for the owner only", () => {
    const hook = createHook(alice, { name: 'counted' });
    const now = Date.now();
    // An event received `hoursAgo` hours ago, with the id ingest would have given it then (ids sort by time).
    const add = (outcome: 'accepted' | 'duplicate' | 'rejected', hoursAgo: number, userId = alice.id) => {
      const receivedAt = now - hoursAgo * 3600_000;
      getDb()
        .insert(events)
        .values({
          id: idAt('evt', receivedAt),
          userId,
          hookId: hook.id,
          source: 'webhook',
          outcome,
          method: 'POST',
          receivedAt,
        })
        .run();
    };
    add('accepted', 0);
    add('accepted', 23);
    add('duplicate', 1);
    add('rejected', 2);
    add('accepted', 25); // before the window
    add('accepted', 0, bob.id); // not alice's
    expect(hookStats(alice, [hook.id], now).get(hook.id)).toEqual({ accepted: 2, duplicate: 1, rejected: 1 });
  });
});

describe('events', () => {
  it('lists, details and replays an accepted event into runs of the current enabled webhook automations', () => {
    const hook = createHook(alice, { name: 'events' });
    const now = Date.now();
    const eventId = newId('evt');
    const body = Buffer.from('{"a":1}');
    getDb()
      .insert(events)
      .values({
        id: eventId,
        userId: alice.id,
        hookId: hook.id,
        source: 'webhook',
        outcome: 'accepted',
        method: 'POST',
        path: `/h/${hook.token}`,
        query: { x: '1' },
        headers: { 'content-type': 'application/json' },
        contentType: 'application/json',
        size: body.length,
        bodyRaw: body,
        bodyKind: 'json',
        bodyParsed: { a: 1 },
        verification: 'none',
        receivedAt: now,
      })
      .run();
    const rejectedId = newId('evt');
    getDb()
      .insert(events)
      .values({
        id: rejectedId,
        userId: alice.id,
        hookId: hook.id,
        source: 'webhook',
        outcome: 'rejected',
        rejectStatus: 401,
        rejectReason: 'Missing signature',
        method: 'POST',
        receivedAt: now,
      })
      .run();
    const automation = (enabled: boolean, name: string) => {
      const id = newId('aut');
      getDb()
        .insert(automations)
        .values({
          id,
          userId: alice.id,
          name,
          enabled,
          triggerType: 'webhook',
          hookId: hook.id,
          trigger: { type: 'webhook', hookId: hook.id },
          actions: [],
          createdAt: now,
          updatedAt: now,
        })
        .run();
      return id;
    };
    const on = automation(true, 'on');
    automation(false, 'off');

    const list = listEvents(alice, { hookId: hook.id });
    expect(list.items.map((e) => e.id)).toEqual([rejectedId, eventId]);
    expect(listEvents(alice, { hookId: hook.id, outcome: 'rejected' }).items).toHaveLength(1);
    expect(listEvents(alice, { hookId: hook.id, after: eventId }).items.map((e) => e.id)).toEqual([
      rejectedId,
    ]);
    expect(listEvents(bob, { hookId: hook.id }).items).toEqual([]);

    const detail = getEvent(alice, eventId);
    expect(detail.body).toEqual({ kind: 'json', parsed: { a: 1 }, raw: '{"a":1}', encoding: 'utf8' });
    expect(() => getEvent(bob, eventId)).toThrow('Event not found');

    const { runIds } = replayEvent(alice, eventId);
    expect(runIds).toHaveLength(1);
    const runs = getEvent(alice, eventId).runs;
    expect(runs).toEqual([{ id: runIds[0], automationId: on, status: 'queued' }]);
    expect(
      getDb()
        .select()
        .from(jobs)
        .all()
        .some((j) => j.runId === runIds[0]),
    ).toBe(true);

    expect(() => replayEvent(alice, rejectedId)).toThrow(ValidationError);
    expect(() => replayEvent(bob, eventId)).toThrow('Event not found');
  });
});
