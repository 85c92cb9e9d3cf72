import type { BadgeTone } from '@/components/ui/badge';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

export const SCHEME_LABELS: Record<string, string> = {
  none: 'None',
  'hmac-sha256': 'Generic HMAC-SHA256',
  stripe: 'Stripe',
  github: 'GitHub',
  shopify: 'Shopify',
  slack: 'Slack',
  'standard-webhooks': 'Standard Webhooks',
};

const VERIFICATION_LOOKS: Record<string, { label: string; tone: BadgeTone }> = {
  valid: { label: 'Signature valid', tone: 'success' },
  none: { label: 'Not checked', tone: 'neutral' },
  missing: { label: 'Signature missing', tone: 'danger' },
  invalid: { label: 'Signature invalid', tone: 'danger' },
  stale: { label: 'Timestamp too old', tone: 'warning' },
  malformed: { label: 'Signature malformed', tone: 'danger' },
};

export function verificationLook(v: string | null): { label: string; tone: BadgeTone } {
  if (!v) return { label: 'Not checked', tone: 'neutral' };
  return VERIFICATION_LOOKS[v] ?? { label: v, tone: 'neutral' };
}

/** A curl command that posts a sample JSON body to the hook (single quotes escaped for POSIX shells). */
export function curlExample(url: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    `curl -X POST ${q(url)} \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d '{"type":"order.created","order":{"id":1001,"total":42.5}}'`,
  ].join('\n');
}
