import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookHeaders } from '@/lib/delivery/sign';

// Independent of lib/signatures: the Standard Webhooks recipe written out by hand.
function expectedSignature(secret: string, id: string, ts: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
}

describe('webhookHeaders', () => {
  const secret = 'whsec_' + Buffer.from('a very secret signing key!').toString('base64');
  const now = Date.parse('2025-03-04T05:06:07.890Z');

  it('sends only the id without a secret', () => {
    expect(webhookHeaders('msg_1', null, '{}', now)).toEqual({ 'webhook-id': 'msg_1' });
    expect(webhookHeaders('msg_1', '', '{}', now)).toEqual({ 'webhook-id': 'msg_1' });
  });

  it('signs id, timestamp in seconds and body', () => {
    const body = '{"amount":42,"note":"héllo"}';
    const headers = webhookHeaders('msg_2', secret, body, now);
    expect(headers['webhook-id']).toBe('msg_2');
    expect(headers['webhook-timestamp']).toBe('1741064767');
    expect(headers['webhook-signature']).toBe(expectedSignature(secret, 'msg_2', '1741064767', body));
  });

  it('signs a Buffer body the same as its text', () => {
    const body = '{"a":1}';
    expect(webhookHeaders('m', secret, Buffer.from(body), now)).toEqual(
      webhookHeaders('m', secret, body, now),
    );
  });

  it('changes the signature when anything signed changes', () => {
    const base = webhookHeaders('m', secret, 'x', now)['webhook-signature'];
    expect(webhookHeaders('n', secret, 'x', now)['webhook-signature']).not.toBe(base);
    expect(webhookHeaders('m', secret, 'y', now)['webhook-signature']).not.toBe(base);
    expect(webhookHeaders('m', secret, 'x', now + 1_000)['webhook-signature']).not.toBe(base);
  });
});
