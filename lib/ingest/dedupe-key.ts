import type { Headers, VerificationScheme } from '@/lib/signatures';
import type { ParsedBody } from './parse-body';

/** Longer values are not delivery ids we recognise; refusing them keeps index keys small. */
const MAX_ID_LENGTH = 256;

function headerValue(headers: Headers, name: string): string | null {
  const raw = headers[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value && value.length <= MAX_ID_LENGTH ? value : null;
}

function stripeEventId(parsed: ParsedBody): string | null {
  if (parsed.kind !== 'json' || typeof parsed.value !== 'object' || parsed.value === null) return null;
  const id: unknown = (parsed.value as Record<string, unknown>)['id'];
  return typeof id === 'string' && id.startsWith('evt_') && id.length <= MAX_ID_LENGTH ? id : null;
}

/**
 * The provider's own delivery id, so a provider's retry of the same delivery is recognised as a
 * duplicate without the user writing a dedupe expression. Prefixed by source so ids from
 * different providers can never collide.
 */
export function providerDeliveryId(
  headers: Headers,
  parsed: ParsedBody,
  scheme: VerificationScheme,
): string | null {
  const webhookId = headerValue(headers, 'webhook-id') ?? headerValue(headers, 'svix-id');
  if (webhookId !== null) return `webhook-id:${webhookId}`;
  const github = headerValue(headers, 'x-github-delivery');
  if (github !== null) return `github:${github}`;
  const shopify = headerValue(headers, 'x-shopify-webhook-id');
  if (shopify !== null) return `shopify:${shopify}`;
  if (scheme === 'stripe' || headers['stripe-signature'] !== undefined) {
    const stripe = stripeEventId(parsed);
    if (stripe !== null) return `stripe:${stripe}`;
  }
  return null;
}
