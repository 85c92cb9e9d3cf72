import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiUser, hookPath, type ApiClient } from '../support/api';
import { startSink, type Sink } from '../support/sink';
import { startServer, waitFor, type TestServer } from '../support/server';

// Alerts end to end against the real server: grouping and resolve notices to a local webhook channel, 410 Gone
// disabling an automation, and email through a local SMTP server.

interface Mail {
  to: string;
  data: string;
}

let server: TestServer;
let api: ApiClient;
let smtp: SMTPServer;
const mails: Mail[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  server = await startServer({
    env: {
      HOOKLINE_SMTP_URL: `smtp://127.0.0.1:${port}`,
      HOOKLINE_SMTP_FROM: 'Hookline <alerts@example.com>',
    },
  });
  api = await createApiUser(server, 'alerts@example.com');
});

afterAll(async () => {
  await server?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

/** The Subject header, with RFC 2047 encoded words (as nodemailer writes non-ASCII) decoded. */
function subjectOf(data: string): string {
  const raw = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(data)?.[1] ?? '';
  return raw
    .replace(/\r?\n[ \t]/g, ' ')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    )
    .trim();
}

async function onlyRules(client: ApiClient, keep: string[]) {
  const { items } = await client.ok<{ items: { kind: string }[] }>('GET', '/api/v1/alerts/rules');
  expect(items.length).toBe(7);
  for (const r of items) {
    await client.ok('PATCH', `/api/v1/alerts/rules/${r.kind}`, { enabled: keep.includes(r.kind) });
  }
}

async function automationTo(client: ApiClient, name: string, url: string) {
  const hook = await client.ok('POST', '/api/v1/hooks', { name });
  const automation = await client.ok('POST', '/api/v1/automations', {
    name,
    trigger: { type: 'webhook', hookId: hook.id },
    actions: [{ name: 'deliver', method: 'POST', url, retry: { maxAttempts: 1 } }],
  });
  return { hook, automation };
}

async function send(hook: { url: string }, body: unknown) {
  const res = await fetch(`${server.url}${hookPath(hook)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
}

async function runsWithStatus(client: ApiClient, automationId: string, status: string) {
  const { items } = await client.ok<{ items: unknown[] }>(
    'GET',
    `/api/v1/runs?automationId=${automationId}&status=${status}`,
  );
  return items.length;
}

describe('grouped alerts to a webhook channel', () => {
  let destination: Sink;
  let alertSink: Sink;
  let client: ApiClient;

  beforeAll(async () => {
    destination = await startSink();
    alertSink = await startSink();
    client = await createApiUser(server, 'grouping@example.com');
  });
  afterAll(async () => {
    await destination?.close();
    await alertSink?.close();
  });

  it('sends exactly one alert while several runs fail, then one resolved message after recovery', async () => {
    await onlyRules(client, ['run_failed']);
    const channel = await client.ok('POST', '/api/v1/alerts/channels', {
      type: 'webhook',
      name: 'ops sink',
      url: `${alertSink.url}/alerts`,
      preset: 'json',
    });
    expect(channel.target).toBe(new URL(alertSink.url).host);
    expect(JSON.stringify(channel)).not.toContain('/alerts');

    destination.respond = () => ({ status: 500, body: 'down' });
    const { hook, automation } = await automationTo(client, 'grouping', `${destination.url}/in`);
    for (let i = 0; i < 4; i++) await send(hook, { i });
    await waitFor(async () => (await runsWithStatus(client, automation.id, 'failed')) === 4, {
      timeoutMs: 30_000,
      what: '4 failed runs',
    });

    // All four failures were grouped into one alert (count 4) …
    const alert = await waitFor(
      async () => {
        const { items } = await client.ok('GET', '/api/v1/alerts?kind=run_failed');
        return items.length === 1 && items[0].count === 4 ? items[0] : null;
      },
      { what: 'one grouped alert with count 4' },
    );
    expect(alert.status).toBe('open');
    expect(alert.link).toBe(`/runs?automationId=${automation.id}&status=failed`);
    // … and the channel heard about it once.
    await waitFor(() => alertSink.requests.length >= 1, { what: 'alert notification' });
    const opened = JSON.parse(alertSink.requests[0].body.toString()).alert;
    expect(opened).toMatchObject({ event: 'opened', kind: 'run_failed', status: 'open', id: alert.id });

    // Recovery: the next run succeeds, the alert resolves, and the channel gets one resolved message.
    destination.respond = () => ({ status: 200, body: 'ok' });
    await send(hook, { i: 'ok' });
    await waitFor(() => alertSink.requests.length >= 2, { timeoutMs: 20_000, what: 'resolved notification' });
    const resolved = JSON.parse(alertSink.requests[1].body.toString()).alert;
    expect(resolved).toMatchObject({ event: 'resolved', status: 'resolved', id: alert.id, count: 4 });
    const { items } = await client.ok('GET', '/api/v1/alerts?kind=run_failed');
    expect(items).toHaveLength(1);
    expect(items[0].status).toBe('resolved');
    expect(alertSink.requests).toHaveLength(2);
  });

  it('a muted rule raises nothing', async () => {
    const other = await createApiUser(server, 'muted@example.com');
    await onlyRules(other, ['run_failed']);
    const rule = await other.ok('PATCH', '/api/v1/alerts/rules/run_failed', { muteHours: 1 });
    expect(rule.mutedUntil).toBeGreaterThan(Date.now());
    destination.respond = () => ({ status: 500 });
    const { hook, automation } = await automationTo(other, 'muted', `${destination.url}/muted`);
    await send(hook, {});
    await waitFor(async () => (await runsWithStatus(other, automation.id, 'failed')) === 1, {
      what: 'failed run',
    });
    // A later signal that is not muted proves the engine processed the earlier one.
    await other.ok('PATCH', '/api/v1/alerts/rules/run_failed', { muteHours: 0 });
    await send(hook, {});
    await waitFor(async () => (await other.ok('GET', '/api/v1/alerts')).items.length === 1, {
      what: 'unmuted alert',
    });
    const { items } = await other.ok('GET', '/api/v1/alerts');
    expect(items[0].count).toBe(1);
  });
});

describe('410 Gone', () => {
  it('disables the automation and raises an alert', async () => {
    const gone = await startSink();
    try {
      gone.respond = () => ({ status: 410, body: 'gone' });
      const client = await createApiUser(server, 'gone@example.com');
      const { hook, automation } = await automationTo(client, 'gone', `${gone.url}/x`);
      await send(hook, {});
      const alert = await waitFor(
        async () => (await client.ok('GET', '/api/v1/alerts?kind=action_gone')).items[0],
        { what: 'action_gone alert' },
      );
      expect(alert.title).toContain('disabled');
      const after = await client.ok('GET', `/api/v1/automations/${automation.id}`);
      expect(after.enabled).toBe(false);
      const { items } = await client.ok('GET', '/api/v1/alerts?unread=1');
      expect(items.map((a: { id: string }) => a.id)).toContain(alert.id);
      await client.ok('POST', '/api/v1/alerts/read-all');
      expect((await client.ok('GET', '/api/v1/alerts?unread=1')).items).toHaveLength(0);
    } finally {
      await gone.close();
    }
  });
});

describe('email channel', () => {
  it('sends a test email and an alert through SMTP', async () => {
    const channel = await api.ok('POST', '/api/v1/alerts/channels', {
      type: 'email',
      name: 'on-call mail',
      to: 'oncall@example.com',
    });
    const test = await api.ok('POST', `/api/v1/alerts/channels/${channel.id}/test`);
    expect(test).toEqual({ ok: true, message: 'Test notification sent' });
    await waitFor(() => mails.length >= 1, { what: 'test email' });
    expect(mails[0].to).toBe('oncall@example.com');
    expect(mails[0].data).toMatch(/Subject: \[Hookline\] Test: Test notification from Hookline/);
    expect(mails[0].data).toContain('alerts@example.com');

    const down = await startSink();
    try {
      down.respond = () => ({ status: 500 });
      const { hook } = await automationTo(api, 'mail alert', `${down.url}/m`);
      await send(hook, {});
      await waitFor(() => mails.length >= 2, { timeoutMs: 20_000, what: 'alert email' });
      expect(subjectOf(mails[1].data)).toBe('[Hookline] Alert: Runs of “mail alert” are failing');
    } finally {
      await down.close();
    }
  });

  it('refuses another user’s channel', async () => {
    const { items } = await api.ok('GET', '/api/v1/alerts/channels');
    const stranger = await createApiUser(server, 'stranger@example.com');
    const res = await stranger.call('POST', `/api/v1/alerts/channels/${items[0].id}/test`);
    expect(res.status).toBe(404);
  });
});
