import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiUser, hookPath, type ApiClient } from '../support/api';
import { startServer, waitFor, type TestServer } from '../support/server';

let server: TestServer;
let alice: ApiClient;
let bob: ApiClient;

// Every secret used in this file: none may ever appear in a response.
const SECRETS = ['gh-secret-AAA-111', 'gh-secret-BBB-222', 'stripe-secret-CCC-333'];
const responses: string[] = [];

async function call(client: ApiClient, method: string, path: string, body?: unknown) {
  const r = await client.call(method, path, body);
  responses.push(JSON.stringify(r.json));
  return r;
}

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

beforeAll(async () => {
  server = await startServer();
  alice = await createApiUser(server, 'alice-hooks@example.com');
  bob = await createApiUser(server, 'bob-hooks@example.com');
});
afterAll(async () => {
  await server?.stop();
});

describe('/api/v1/hooks', () => {
  it('creates a hook with defaults and returns 201 with its full URL', async () => {
    const r = await call(alice, 'POST', '/api/v1/hooks', { name: 'Plain' });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      id: expect.stringMatching(/^hook_/),
      name: 'Plain',
      enabled: true,
      allowedMethods: ['POST'],
      verification: { scheme: 'none', secretCount: 0 },
      allowedIps: [],
      maxBodyBytes: 1024 * 1024,
      rateLimit: { perSecond: 100, burst: 200 },
      dedupe: null,
      response: null,
      lastEventAt: null,
    });
    // The request's origin (no HOOKLINE_PUBLIC_URL here) and a token of ≥ 128 bits, URL-safe.
    expect(r.json.url).toMatch(new RegExp(`^${server.url}/h/[A-Za-z0-9_-]{22,}$`));
  });

  it('reads, updates and deletes a hook (CRUD)', async () => {
    const created = (
      await call(alice, 'POST', '/api/v1/hooks', {
        name: 'GitHub',
        verification: { scheme: 'github', secret: SECRETS[0] },
        allowedMethods: ['POST', 'PUT'],
        allowedIps: ['127.0.0.1', '10.0.0.0/8', '2001:db8::/32'],
        maxBodyBytes: 2048,
        rateLimit: null,
        dedupe: { expression: 'delivery.id' },
        response: { status: 200, contentType: 'text/plain', body: 'ok {{id}}' },
      })
    ).json;
    expect(created.verification).toEqual({ scheme: 'github', secretCount: 1 });

    const got = await call(alice, 'GET', `/api/v1/hooks/${created.id}`);
    expect(got.status).toBe(200);
    expect(got.json).toEqual(created);

    // Same scheme, no secret: the stored secret is kept; a second one can be added for rotation.
    const patched = await call(alice, 'PATCH', `/api/v1/hooks/${created.id}`, {
      name: 'GitHub (renamed)',
      enabled: false,
      verification: { scheme: 'github', secondarySecret: SECRETS[1] },
      rateLimit: { perSecond: 5, burst: 10 },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      name: 'GitHub (renamed)',
      enabled: false,
      verification: { scheme: 'github', secretCount: 2 },
      rateLimit: { perSecond: 5, burst: 10 },
      maxBodyBytes: 2048,
      url: created.url,
    });
    expect(patched.json.updatedAt).toBeGreaterThanOrEqual(created.updatedAt);

    const del = await call(alice, 'DELETE', `/api/v1/hooks/${created.id}`);
    expect(del.status).toBe(204);
    expect((await call(alice, 'GET', `/api/v1/hooks/${created.id}`)).status).toBe(404);
    expect((await call(alice, 'DELETE', `/api/v1/hooks/${created.id}`)).status).toBe(404);
  });

  it('answers 400 with per-field messages for invalid input', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', verification: { scheme: 'md5', secret: 's' } }, 'verification.scheme'],
      [{ name: 'x', verification: { scheme: 'stripe' } }, 'verification.secret'],
      [{ name: 'x', allowedIps: ['10.0.0.0/8', '10.0.0.0/33'] }, 'allowedIps.1'],
      [{ name: 'x', dedupe: { expression: 'a.(' } }, 'dedupe.expression'],
      [{ name: 'x', maxBodyBytes: 0 }, 'maxBodyBytes'],
      [{ name: 'x', maxBodyBytes: 26 * 1024 * 1024 }, 'maxBodyBytes'],
      [{ name: '' }, 'name'],
      [{ name: 'x', allowedMethods: ['FETCH'] }, 'allowedMethods.0'],
      [{ name: 'x', response: { status: 500, contentType: 'text/plain', body: '' } }, 'response.status'],
    ];
    for (const [body, field] of cases) {
      const r = await call(alice, 'POST', '/api/v1/hooks', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.message).toEqual(expect.any(String));
      expect(Object.keys(r.json.error.fields), JSON.stringify(body)).toContain(field);
    }
    // Switching to a scheme that needs a secret without giving one.
    const hook = (await call(alice, 'POST', '/api/v1/hooks', { name: 'switch' })).json;
    const r = await call(alice, 'PATCH', `/api/v1/hooks/${hook.id}`, { verification: { scheme: 'slack' } });
    expect(r.status).toBe(400);
    expect(r.json.error.fields).toHaveProperty(['verification.secret']);
    const bad = await alice.call('POST', '/api/v1/hooks', undefined);
    expect(bad.status).toBe(400);
  });

  it("hides another user's hooks: 404 for GET, PATCH, DELETE and regenerate", async () => {
    const mine = (await call(alice, 'POST', '/api/v1/hooks', { name: 'Private' })).json;
    expect((await call(bob, 'GET', `/api/v1/hooks/${mine.id}`)).status).toBe(404);
    expect((await call(bob, 'PATCH', `/api/v1/hooks/${mine.id}`, { name: 'Mine now' })).status).toBe(404);
    expect((await call(bob, 'DELETE', `/api/v1/hooks/${mine.id}`)).status).toBe(404);
    expect((await call(bob, 'POST', `/api/v1/hooks/${mine.id}/regenerate-token`)).status).toBe(404);
    const bobs = (await call(bob, 'GET', '/api/v1/hooks?limit=200')).json;
    expect(bobs.items.map((h: { id: string }) => h.id)).not.toContain(mine.id);
    expect((await call(alice, 'GET', `/api/v1/hooks/${mine.id}`)).json.name).toBe('Private');
  });

  it('paginates newest first with a cursor', async () => {
    const carol = await createApiUser(server, 'carol-hooks@example.com');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await call(carol, 'POST', '/api/v1/hooks', { name: `h${i}` })).json.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await call(carol, 'GET', `/api/v1/hooks?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.json.items.map((h: { id: string }) => h.id));
      cursor = r.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
    expect((await call(carol, 'GET', '/api/v1/hooks?limit=0')).status).toBe(400);
  });

  it('regenerates the token: the new URL works and the old one answers 404', async () => {
    const hook = (await call(alice, 'POST', '/api/v1/hooks', { name: 'Rotating' })).json;
    expect((await post(hookPath(hook), '{"before":true}')).status).toBe(202);
    const r = await call(alice, 'POST', `/api/v1/hooks/${hook.id}/regenerate-token`);
    expect(r.status).toBe(200);
    expect(r.json.id).toBe(hook.id);
    expect(r.json.url).not.toBe(hook.url);
    expect((await post(hookPath(hook), '{}')).status).toBe(404);
    expect((await post(hookPath(r.json), '{"after":true}')).status).toBe(202);
  });

  it('never returns a secret in any response', async () => {
    const created = (
      await call(alice, 'POST', '/api/v1/hooks', {
        name: 'Stripe',
        verification: { scheme: 'stripe', secret: SECRETS[2], toleranceSeconds: 600 },
      })
    ).json;
    expect(created.verification).toEqual({ scheme: 'stripe', toleranceSeconds: 600, secretCount: 1 });
    await call(alice, 'GET', `/api/v1/hooks/${created.id}`);
    await call(alice, 'GET', '/api/v1/hooks?limit=200');
    await call(alice, 'POST', `/api/v1/hooks/${created.id}/regenerate-token`);
    expect(responses.length).toBeGreaterThan(10);
    for (const text of responses) for (const s of SECRETS) expect(text).not.toContain(s);
    // And they are encrypted at rest.
    const db = new Database(server.dbPath, { readonly: true });
    const rows = db.prepare('select verification from hooks').all() as { verification: string }[];
    db.close();
    for (const row of rows) for (const s of SECRETS) expect(row.verification).not.toContain(s);
  });

  it('needs a token', async () => {
    expect((await fetch(`${server.url}/api/v1/hooks`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/events`)).status).toBe(401);
    // The live list's browser endpoint needs a session cookie; a Bearer token is not a session.
    const ui = await fetch(`${server.url}/api/ui/hooks/hook_x/events`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(ui.status).toBe(401);
  });
});

describe('/api/v1/events', () => {
  it('lists, filters, paginates and shows an event in detail', async () => {
    const hook = (await call(alice, 'POST', '/api/v1/hooks', { name: 'Events' })).json;
    const other = (await call(alice, 'POST', '/api/v1/hooks', { name: 'Other' })).json;
    const raw = '{"order": {"id": 7}, "n": 1}';
    const accepted = await post(`${hookPath(hook)}?source=test&tag=a`, raw, { 'x-custom': 'yes' });
    expect(accepted.status).toBe(202);
    const { id } = await accepted.json();
    const rejected = await fetch(`${server.url}${hookPath(hook)}`, { method: 'PUT', body: 'x' });
    expect(rejected.status).toBe(405);
    expect((await post(hookPath(other), '{}')).status).toBe(202);

    const list = await call(alice, 'GET', `/api/v1/events?hookId=${hook.id}`);
    expect(list.status).toBe(200);
    expect(list.json.items).toHaveLength(2);
    expect(list.json.items[1]).toMatchObject({
      id,
      hookId: hook.id,
      outcome: 'accepted',
      method: 'POST',
      contentType: 'application/json',
      size: Buffer.byteLength(raw),
      runs: [],
    });
    expect(list.json.items[0]).toMatchObject({ outcome: 'rejected', rejectStatus: 405, method: 'PUT' });
    expect(list.json.items[0].rejectReason).toEqual(expect.any(String));

    const onlyRejected = await call(alice, 'GET', `/api/v1/events?hookId=${hook.id}&outcome=rejected`);
    expect(onlyRejected.json.items.map((e: { outcome: string }) => e.outcome)).toEqual(['rejected']);
    expect((await call(alice, 'GET', '/api/v1/events?outcome=weird')).status).toBe(400);

    const page1 = await call(alice, 'GET', `/api/v1/events?hookId=${hook.id}&limit=1`);
    expect(page1.json.items).toHaveLength(1);
    expect(page1.json.nextCursor).toEqual(expect.any(String));
    const page2 = await call(
      alice,
      'GET',
      `/api/v1/events?hookId=${hook.id}&limit=1&cursor=${page1.json.nextCursor}`,
    );
    expect(page2.json.items.map((e: { id: string }) => e.id)).toEqual([id]);
    expect(page2.json.nextCursor).toBeNull();

    const detail = await call(alice, 'GET', `/api/v1/events/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.json).toMatchObject({
      id,
      outcome: 'accepted',
      method: 'POST',
      query: { source: 'test', tag: 'a' },
      verification: 'none',
      body: { kind: 'json', parsed: { order: { id: 7 }, n: 1 }, raw, encoding: 'utf8' },
    });
    expect(detail.json.headers['x-custom']).toBe('yes');

    // Another user sees nothing of it.
    expect((await call(bob, 'GET', `/api/v1/events/${id}`)).status).toBe(404);
    expect((await call(bob, 'GET', `/api/v1/events?hookId=${hook.id}`)).json.items).toEqual([]);
    expect((await call(bob, 'POST', `/api/v1/events/${id}/replay`)).status).toBe(404);
  });

  it('replays an accepted event into new runs of the enabled automations; a rejected one → 400', async () => {
    const hook = (await call(alice, 'POST', '/api/v1/hooks', { name: 'Replay' })).json;
    const res = await post(hookPath(hook), '{"a":1}');
    expect(res.status).toBe(202);
    const { id } = await res.json();

    // Automations are attached after the event arrived: replay uses the hook's CURRENT automations.
    const db = new Database(server.dbPath);
    const users = db.prepare(`select id from users where email = 'alice-hooks@example.com'`).get() as {
      id: string;
    };
    const now = Date.now();
    const insert = db.prepare(
      `insert into automations (id, user_id, name, enabled, version, trigger_type, hook_id, trigger, actions, created_at, updated_at)
       values (?, ?, ?, ?, 1, 'webhook', ?, ?, '[]', ?, ?)`,
    );
    const trigger = JSON.stringify({ type: 'webhook', hookId: hook.id });
    insert.run('aut_replay_on', users.id, 'replay on', 1, hook.id, trigger, now, now);
    insert.run('aut_replay_off', users.id, 'replay off', 0, hook.id, trigger, now, now);
    db.close();

    const r = await call(alice, 'POST', `/api/v1/events/${id}/replay`);
    expect(r.status).toBe(202);
    expect(r.json.runIds).toHaveLength(1);
    const detail = await waitFor(async () => {
      const d = (await call(alice, 'GET', `/api/v1/events/${id}`)).json;
      return d.runs.length === 1 ? d : null;
    });
    expect(detail.runs[0]).toMatchObject({ id: r.json.runIds[0], automationId: 'aut_replay_on' });

    const rejected = await fetch(`${server.url}${hookPath(hook)}`, { method: 'DELETE' });
    expect(rejected.status).toBe(405);
    const events = (await call(alice, 'GET', `/api/v1/events?hookId=${hook.id}&outcome=rejected`)).json;
    const again = await call(alice, 'POST', `/api/v1/events/${events.items[0].id}/replay`);
    expect(again.status).toBe(400);
    expect(again.json.error.message).toMatch(/accepted/);
  });
});
