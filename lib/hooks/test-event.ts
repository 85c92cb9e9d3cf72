import { randomBytes } from 'node:crypto';
import { env } from '@/lib/env';
import { signRequest } from '@/lib/signatures';
import type { SessionUser } from '@/lib/users/users';
import { getHook, verificationConfig } from './hooks';

export interface TestEventResult {
  status: number;
  body: string;
}

/**
 * Sends a sample JSON payload through the real endpoint, signed the way the hook's provider would sign it, so the
 * user sees exactly what a provider's call goes through (verification, limits, dedupe, runs). The target is our
 * own server on loopback, never a user-supplied address.
 */
export async function sendTestEvent(user: Pick<SessionUser, 'id'>, hookId: string): Promise<TestEventResult> {
  const hook = getHook(user, hookId);
  const id = `evt_test_${randomBytes(8).toString('hex')}`;
  const payload = {
    type: 'hookline.test',
    id,
    message: 'Test event from Hookline',
    sentAt: new Date().toISOString(),
  };
  const body = Buffer.from(JSON.stringify(payload));
  const config = verificationConfig(hook);
  // The first (newest) secret signs, as the provider would after a rotation.
  const signed = config.scheme === 'none' || config.secrets.length === 0 ? {} : signRequest(config, body);
  const method = hook.allowedMethods.includes('POST')
    ? 'POST'
    : (hook.allowedMethods.find((m) => m !== 'GET' && m !== 'HEAD') ?? 'POST');
  const res = await fetch(`http://127.0.0.1:${env.port()}/h/${hook.token}`, {
    method,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Hookline-Test/1.0',
      'webhook-id': id,
      ...signed,
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text.slice(0, 2_000) };
}
