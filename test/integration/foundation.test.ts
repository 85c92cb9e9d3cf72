import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, tempDataDir, type TestServer } from '../support/server';

const migrationCount = fs.readdirSync(path.resolve('db/migrations')).filter((f) => f.endsWith('.sql')).length;

describe('foundation: server, migrations, CLI, API auth', () => {
  let server: TestServer;
  const dataDir = tempDataDir();

  beforeAll(async () => {
    server = await startServer({ dataDir });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers health with database and worker state', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'ok', worker: 'running' });
  });

  it('generates AUTH_SECRET and HOOKLINE_ENCRYPTION_KEY beside the database with mode 0600', () => {
    const file = path.join(dataDir, 'secrets.env');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^AUTH_SECRET=.{40,}$/m);
    expect(text).toMatch(/^HOOKLINE_ENCRYPTION_KEY=.{40,}$/m);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('applies every migration to the empty database', () => {
    const db = new Database(server.dbPath, { readonly: true });
    const applied = db.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    const tables = db.prepare(`select name from sqlite_master where type = 'table'`).all() as {
      name: string;
    }[];
    db.close();
    expect(applied.n).toBe(migrationCount);
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'users',
        'hooks',
        'automations',
        'events',
        'runs',
        'steps',
        'attempts',
        'jobs',
        'secrets',
        'trigger_state',
      ]),
    );
  });

  it('redirects a signed-out page visit to setup while there are no users', async () => {
    const res = await fetch(`${server.url}/hooks`, { redirect: 'manual' });
    expect([303, 307, 308]).toContain(res.status);
    expect(res.headers.get('location')).toContain('/setup');
  });

  it('rejects /api/v1 without a token, with a bad token, and with a revoked token', async () => {
    const env = { DATABASE_URL: `file:${server.dbPath}` };
    expect(
      (await runCli(['user', 'create', '--email', 'ada@example.com', '--password', 'correct horse'], env))
        .code,
    ).toBe(0);
    const created = await runCli(['token', 'create', '--email', 'ada@example.com', '--name', 'test'], env);
    expect(created.code).toBe(0);
    const token = created.stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^hl_/);

    const none = await fetch(`${server.url}/api/v1/me`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { message: expect.stringContaining('Bearer') } });
    expect(
      (await fetch(`${server.url}/api/v1/me`, { headers: { authorization: 'Bearer hl_nope' } })).status,
    ).toBe(401);

    const ok = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ email: 'ada@example.com', role: 'member' });

    // Revoke through the database the server uses (another process, as an admin tool would).
    const db = new Database(server.dbPath);
    db.prepare('update api_tokens set revoked_at = ? where name = ?').run(Date.now(), 'test');
    db.close();
    const revoked = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(revoked.status).toBe(401);
  });

  it('CLI refuses a duplicate email and an unknown user with a non-zero exit and a clear error', async () => {
    const env = { DATABASE_URL: `file:${server.dbPath}` };
    await runCli(['user', 'create', '--email', 'dup@example.com', '--password', 'password123'], env);
    const dup = await runCli(
      ['user', 'create', '--email', 'DUP@example.com', '--password', 'password123'],
      env,
    );
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain('already exists');
    const unknown = await runCli(['token', 'create', '--email', 'nobody@example.com'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No user with the email nobody@example.com');
    const bad = await runCli(['user', 'create', '--email', 'x@example.com'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Missing --password');
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('token create');
  });

  it('restarts on the same database without re-applying migrations', async () => {
    await server.stop();
    server = await startServer({ dataDir });
    const db = new Database(server.dbPath, { readonly: true });
    const applied = db.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    const users = db.prepare('select count(*) as n from users').get() as { n: number };
    db.close();
    expect(applied.n).toBe(migrationCount);
    expect(users.n).toBeGreaterThan(0);
  });
});
