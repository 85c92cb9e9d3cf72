import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { hooks, users } from '@/db/schema';
import { createAutomation, getAutomation, listAutomations } from '@/lib/automations/automations';
import { ValidationError } from '@/lib/errors';
import { createHook, getHook, readVerification } from '@/lib/hooks/hooks';
import { newId } from '@/lib/ids';
import { shutdownJsonataPool } from '@/lib/jsonata';
import { createSecret } from '@/lib/secrets/secrets';
import { useTempDatabase } from '@/test/support/db';
import { exportAutomations, importAutomations, previewImport } from './transfer';

let db: ReturnType<typeof useTempDatabase>;
const alice = { id: newId('usr') };
const bob = { id: newId('usr') };
const carol = { id: newId('usr') };
const HOOK_SECRET = 'hook-secret-value-123';
const SIGNING_SECRET = 'whsec_c2lnbmluZy1zZWNyZXQtdmFsdWU=';
const SLACK_TOKEN = 'xoxb-secret-slack-token';

function addUser(id: string) {
  const now = Date.now();
  getDb()
    .insert(users)
    .values({ id, email: `${id}@example.com`, passwordHash: 'x', createdAt: now, updatedAt: now })
    .run();
}

/**
 * An export without what must differ between installations: the time, and the signing-secret flags (a signing
 * secret is never exported, so the importer enters it again; the preview says which actions need one).
 */
function comparable(file: ReturnType<typeof exportAutomations>) {
  return {
    ...file,
    exportedAt: undefined,
    automations: file.automations.map((a) => ({
      ...a,
      actions: a.actions.map(({ signingSecretRequired: _s, ...rest }) => {
        void _s;
        return rest;
      }),
    })),
  };
}

beforeAll(() => {
  db = useTempDatabase();
  for (const u of [alice, bob, carol]) addUser(u.id);
  createSecret(alice.id, { name: 'SLACK_TOKEN', value: SLACK_TOKEN });
  createSecret(bob.id, { name: 'SLACK_TOKEN', value: 'bob-has-his-own' });
  const hook = createHook(alice, {
    name: 'Stripe',
    verification: { scheme: 'stripe', secret: HOOK_SECRET, toleranceSeconds: 600 },
    allowedIps: ['10.0.0.0/8'],
    rateLimit: { perSecond: 5, burst: 10 },
    dedupe: { expression: 'id' },
    response: { status: 200, contentType: 'text/plain', body: 'ok {{id}}' },
  });
  createAutomation(alice.id, {
    name: 'Paid orders to Slack',
    trigger: { type: 'webhook', hookId: hook.id },
    filter: 'type = "payment_intent.succeeded"',
    actions: [
      {
        name: 'Notify',
        method: 'POST',
        url: 'https://hooks.example.com/{{ $secrets.SLACK_TOKEN }}',
        headers: { Authorization: 'Bearer {{ $secrets.SLACK_TOKEN }}' },
        body: '{"text": "Paid " & $string(data.object.amount)}',
        timeoutMs: 5000,
        retry: { maxAttempts: 3 },
        signingSecret: SIGNING_SECRET,
      },
    ],
  });
  createAutomation(alice.id, {
    name: 'Nightly',
    enabled: false,
    trigger: { type: 'schedule', cron: '0 3 * * *', timezone: 'Europe/Paris' },
    actions: [{ method: 'GET', url: 'https://example.com/cleanup' }],
  });
  createAutomation(alice.id, {
    name: 'Quiet Stripe',
    trigger: { type: 'silence', hookId: hook.id, afterSeconds: 3600 },
    actions: [{ method: 'POST', url: 'https://example.com/alert', body: null }],
  });
});

afterAll(async () => {
  await shutdownJsonataPool();
  db.cleanup();
});

describe('export', () => {
  it('holds the automations and their hooks without any secret value', () => {
    const file = exportAutomations(alice);
    const text = JSON.stringify(file);
    expect(text).not.toContain(HOOK_SECRET);
    expect(text).not.toContain(SIGNING_SECRET);
    expect(text).not.toContain(SLACK_TOKEN);
    expect(file.hookline).toBe(1);
    expect(file.secrets).toEqual(['SLACK_TOKEN']);
    expect(file.hooks).toHaveLength(1);
    expect(file.hooks[0]).toMatchObject({
      key: 'hook-1',
      name: 'Stripe',
      verification: { scheme: 'stripe', toleranceSeconds: 600, secretRequired: true },
      allowedIps: ['10.0.0.0/8'],
    });
    expect(file.automations.map((a) => a.name)).toEqual(['Paid orders to Slack', 'Nightly', 'Quiet Stripe']);
    expect(file.automations[0].trigger).toEqual({ type: 'webhook', hookKey: 'hook-1' });
    expect(file.automations[0].actions[0]).toMatchObject({
      url: 'https://hooks.example.com/{{ $secrets.SLACK_TOKEN }}',
      signingSecretRequired: true,
    });
  });

  it('exports only the selected automations, and only its own', () => {
    const [nightly] = listAutomations(alice.id).items.filter((i) => i.row.name === 'Nightly');
    const file = exportAutomations(alice, [nightly.row.id]);
    expect(file.automations.map((a) => a.name)).toEqual(['Nightly']);
    expect(file.hooks).toEqual([]);
    expect(() => exportAutomations(bob, [nightly.row.id])).toThrow('not found');
  });
});

describe('import', () => {
  it('round-trips losslessly into another user', () => {
    const first = exportAutomations(alice);
    const preview = previewImport(bob, JSON.stringify(first));
    expect(preview.ok).toBe(true);
    expect(preview.automations.map((a) => a.signingSecretsOmitted)).toEqual([1, 0, 0]);
    const result = importAutomations(bob, JSON.stringify(first));
    expect(result.created.automations).toHaveLength(3);
    expect(result.created.hooks).toHaveLength(1);
    expect(comparable(exportAutomations(bob))).toEqual(comparable(first));
  });

  it('imports a hook with its scheme but no secret, so it rejects requests until one is set', () => {
    const bobHook = getDb()
      .select()
      .from(hooks)
      .all()
      .find((h) => h.userId === bob.id)!;
    const v = readVerification(getHook(bob, bobHook.id));
    expect(v).toMatchObject({ scheme: 'stripe', secrets: [], toleranceSeconds: 600 });
    expect(bobHook.token).not.toBe(
      getDb()
        .select()
        .from(hooks)
        .all()
        .find((h) => h.userId === alice.id)!.token,
    );
  });

  it('reports conflicts and never overwrites: skip leaves the existing automation, rename adds a copy', () => {
    const file = exportAutomations(alice);
    const preview = previewImport(bob, file);
    expect(preview.automations.every((a) => a.conflict)).toBe(true);
    expect(preview.hooks[0]).toMatchObject({ name: 'Stripe', conflict: true });
    const before = listAutomations(bob.id).items.length;

    const skipped = importAutomations(bob, file, { onConflict: 'skip' });
    expect(skipped.created.automations).toEqual([]);
    expect(listAutomations(bob.id).items.length).toBe(before);

    const renamed = importAutomations(bob, file, {
      onConflict: 'skip',
      resolutions: { 'automation:1': 'rename' },
    });
    expect(renamed.created.automations.map((a) => a.name)).toEqual(['Nightly (2)']);
    const copy = getAutomation(bob.id, renamed.created.automations[0].id);
    expect(copy.trigger).toEqual({ type: 'schedule', cron: '0 3 * * *', timezone: 'Europe/Paris' });
  });

  it('reports missing secrets and imports nothing when an automation does not validate', () => {
    const file = exportAutomations(alice);
    const preview = previewImport(carol, file);
    expect(preview.ok).toBe(false);
    expect(preview.automations[0].missingSecrets).toEqual(['SLACK_TOKEN']);
    expect(preview.automations[0].error).toContain('$secrets.SLACK_TOKEN');
    expect(preview.automations[1].error).toBeNull();
    expect(() => importAutomations(carol, file)).toThrow(ValidationError);
    expect(listAutomations(carol.id).items).toEqual([]);
    expect(
      getDb()
        .select()
        .from(hooks)
        .all()
        .filter((h) => h.userId === carol.id),
    ).toEqual([]);
  });

  it('refuses a file that is not an export', () => {
    expect(() => importAutomations(carol, '{"hello": 1}')).toThrow(ValidationError);
    expect(() => importAutomations(carol, 'not json')).toThrow('not valid JSON');
    expect(() =>
      importAutomations(carol, {
        hookline: 1,
        automations: [{ name: 'x', trigger: { type: 'webhook', hookKey: 'nope' }, actions: [] }],
      }),
    ).toThrow(ValidationError);
  });
});
