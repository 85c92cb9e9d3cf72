import { signStandardWebhooks } from '@/lib/signatures/standard-webhooks';

/**
 * Standard Webhooks headers for one delivery. `webhook-id` is the stable identity destinations dedupe on,
 * so callers pass the same `msgId` on every retry.
 */
export function webhookHeaders(
  msgId: string,
  signingSecret: string | null,
  body: Buffer | string,
  nowMs: number,
): Record<string, string> {
  const headers: Record<string, string> = { 'webhook-id': msgId };
  if (!signingSecret) return headers;
  const timestamp = Math.floor(nowMs / 1000);
  headers['webhook-timestamp'] = String(timestamp);
  headers['webhook-signature'] = signStandardWebhooks(signingSecret, msgId, timestamp, body);
  return headers;
}
