import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDbHandle } from '@/db/client';
import { newId } from '@/lib/ids';
import { getDashboard } from '@/lib/runs/dashboard';
import { addHook, addUser, useTempDatabase } from '@/test/support/db';
import { listEvents } from './events';

// A user's events with no hook named are merged from each of their hooks and from their hookless events (poll,
// schedule): there is no (user_id, id) index to read them in order (migration 0009).

let cleanup: () => void;
const alice = { id: 'usr_alice', role: 'member' as const };
const bob = { id: 'usr_bob', role: 'member' as const };
/** Alice's events, oldest first. */
const ids: string[] = [];

function insertEvent(userId: string, hookId: string | null, outcome = 'accepted'): string {
  const id = newId('evt');
  getDbHandle()
    .sqlite.prepare(
      `insert into events (id, user_id, hook_id, source, outcome, method, received_at)
       values (?, ?, ?, ?, ?, 'POST', ?)`,
    )
    .run(id, userId, hookId, hookId ? 'webhook' : 'schedule', outcome, Date.now());
  return id;
}

beforeAll(() => {
  ({ cleanup } = useTempDatabase());
  addUser(alice.id, 'alice@example.com');
  addUser(bob.id, 'bob@example.com');
  addHook('hk_stripe', alice.id);
  addHook('hk_github', alice.id);
  addHook('hk_bob', bob.id);
  // Interleaved across two hooks and the hookless, so a page of any size mixes them.
  const where = ['hk_stripe', 'hk_github', null, 'hk_stripe', 'hk_stripe', null, 'hk_github', 'hk_stripe'];
  where.forEach((hook, i) => {
    ids.push(insertEvent(alice.id, hook, i === 4 ? 'rejected' : 'accepted'));
    insertEvent(bob.id, 'hk_bob');
  });
});
afterAll(() => cleanup());

describe('listEvents with no hook named', () => {
  it('merges every hook and the hookless events, newest first, page by page', () => {
    const newest = [...ids].reverse();
    for (const limit of [1, 3, 5, 8]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = listEvents(alice, { limit, cursor });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(newest);
    }
  });

  it('applies the outcome filter and `after` to the merge', () => {
    expect(listEvents(alice, { outcome: 'rejected' }).items.map((e) => e.id)).toEqual([ids[4]]);
    expect(listEvents(alice, { outcome: 'accepted', limit: 2 }).items.map((e) => e.id)).toEqual([
      ids[7],
      ids[6],
    ]);
    expect(listEvents(alice, { after: ids[4] }).items.map((e) => e.id)).toEqual([ids[7], ids[6], ids[5]]);
  });

  it('shows no other user’s events, and none to a user with no hook', () => {
    expect(listEvents(bob, {}).items).toHaveLength(ids.length);
    expect(listEvents(bob, {}).items.every((e) => e.hookId === 'hk_bob')).toBe(true);
    addUser('usr_new', 'new@example.com');
    expect(listEvents({ id: 'usr_new' }, {})).toEqual({ items: [], nextCursor: null });
  });

  it('reads each hook and the hookless through an index, never the whole table', () => {
    const plan = (sql: string) =>
      (getDbHandle().sqlite.prepare(`explain query plan ${sql}`).all() as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
    expect(plan(`select id from events where hook_id = 'h' and id < 'x' order by id desc limit 9`)).toMatch(
      /^SEARCH events USING COVERING INDEX events_hook_idx \(hook_id=\? AND id<\?\)$/,
    );
    expect(
      plan(
        `select id from events where user_id = 'u' and hook_id is null and id < 'x' order by id desc limit 9`,
      ),
    ).toMatch(/^SEARCH events USING INDEX events_user_hookless_idx \(user_id=\? AND id<\?\)$/);
  });

  it('counts the hookless events on the dashboard too', () => {
    expect(getDashboard(alice, '24h').totals.events).toBe(ids.length);
    expect(getDashboard(bob, '24h').totals.events).toBe(ids.length);
  });
});
