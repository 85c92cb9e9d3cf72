import { describe, expect, it } from 'vitest';
import { providerDeliveryId } from './dedupe-key';
import { parseBody, type ParsedBody } from './parse-body';

const json = (value: unknown): ParsedBody =>
  parseBody('application/json', Buffer.from(JSON.stringify(value)));
const empty: ParsedBody = { kind: 'empty', value: null };

describe('providerDeliveryId', () => {
  it('uses the Standard Webhooks (and Svix) message id', () => {
    expect(providerDeliveryId({ 'webhook-id': 'msg_2abc' }, empty, 'standard-webhooks')).toBe(
      'webhook-id:msg_2abc',
    );
    expect(providerDeliveryId({ 'svix-id': 'msg_9' }, empty, 'none')).toBe('webhook-id:msg_9');
  });

  it('uses GitHub and Shopify delivery headers whatever the scheme', () => {
    const githubHeaders = { 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' };
    expect(providerDeliveryId(githubHeaders, empty, 'none')).toBe(
      'github:72d3162e-cc78-11e3-81ab-4c9367dc0958',
    );
    expect(providerDeliveryId({ 'x-shopify-webhook-id': 'b54557e4-bdd9-4b37' }, empty, 'shopify')).toBe(
      'shopify:b54557e4-bdd9-4b37',
    );
  });

  it('uses a Stripe event id from the body when the request is Stripe', () => {
    const body = json({ id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy', object: 'event' });
    expect(providerDeliveryId({}, body, 'stripe')).toBe('stripe:evt_1NG8Du2eZvKYlo2CUI79vXWy');
    expect(providerDeliveryId({ 'stripe-signature': 't=1,v1=x' }, body, 'none')).toBe(
      'stripe:evt_1NG8Du2eZvKYlo2CUI79vXWy',
    );
  });

  it('ignores body ids that are not Stripe events, or not from Stripe', () => {
    expect(providerDeliveryId({}, json({ id: 'evt_1' }), 'none')).toBeNull();
    expect(providerDeliveryId({}, json({ id: 'pi_123' }), 'stripe')).toBeNull();
    expect(providerDeliveryId({}, json({ id: 42 }), 'stripe')).toBeNull();
    expect(providerDeliveryId({}, json(['evt_1']), 'stripe')).toBeNull();
    expect(providerDeliveryId({}, parseBody('text/plain', Buffer.from('evt_1')), 'stripe')).toBeNull();
  });

  it('returns null without a known id, and skips blank or oversized headers', () => {
    expect(providerDeliveryId({ 'x-request-id': 'abc' }, empty, 'none')).toBeNull();
    expect(providerDeliveryId({ 'webhook-id': '  ', 'x-github-delivery': 'g1' }, empty, 'none')).toBe(
      'github:g1',
    );
    expect(providerDeliveryId({ 'webhook-id': 'x'.repeat(1000) }, empty, 'none')).toBeNull();
  });

  it('takes the first value of a repeated header', () => {
    expect(providerDeliveryId({ 'x-github-delivery': ['first', 'second'] }, empty, 'github')).toBe(
      'github:first',
    );
  });
});
