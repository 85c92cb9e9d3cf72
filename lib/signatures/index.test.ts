import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  signRequest,
  verifySignature,
  type Headers,
  type VerificationConfig,
  type VerificationScheme,
} from './index';

const NOW = 1_700_000_000_000;
const BODY = Buffer.from('{"id":"evt_123","type":"payment_intent.succeeded","amount":4200}');

type SignedScheme = Exclude<VerificationScheme, 'none'>;

interface Case {
  scheme: SignedScheme;
  /** The header holding the signature(s). */
  header: string;
  extra?: Partial<VerificationConfig>;
  newSecret(): string;
  /** Builds a header carrying both signatures, the way this provider lists several. */
  combine(forged: string, good: string): string;
  timestamped: boolean;
}

const plainSecret = () => randomBytes(16).toString('hex');
const whsecSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const commaList = (forged: string, good: string) => `${forged},${good}`;

const CASES: Case[] = [
  {
    scheme: 'stripe',
    header: 'stripe-signature',
    newSecret: () => `whsec_${plainSecret()}`,
    // `t=1,v1=aaa` + `t=1,v1=bbb` → `t=1,v1=aaa,v1=bbb`
    combine: (forged, good) => `${forged},${good.split(',').slice(1).join(',')}`,
    timestamped: true,
  },
  {
    scheme: 'github',
    header: 'x-hub-signature-256',
    newSecret: plainSecret,
    combine: commaList,
    timestamped: false,
  },
  {
    scheme: 'shopify',
    header: 'x-shopify-hmac-sha256',
    newSecret: plainSecret,
    combine: commaList,
    timestamped: false,
  },
  {
    scheme: 'slack',
    header: 'x-slack-signature',
    newSecret: plainSecret,
    combine: commaList,
    timestamped: true,
  },
  {
    scheme: 'standard-webhooks',
    header: 'webhook-signature',
    newSecret: whsecSecret,
    combine: (forged, good) => `${forged} ${good}`,
    timestamped: true,
  },
  {
    scheme: 'hmac-sha256',
    header: 'x-signature',
    newSecret: plainSecret,
    combine: commaList,
    timestamped: false,
  },
  {
    scheme: 'hmac-sha256',
    header: 'x-acme-signature',
    extra: { header: 'X-Acme-Signature', encoding: 'base64', prefix: 'sha256=' },
    newSecret: plainSecret,
    combine: commaList,
    timestamped: false,
  },
];

function configFor(c: Case, secrets: string[]): VerificationConfig {
  return { scheme: c.scheme, secrets, ...c.extra };
}

describe.each(CASES)('$scheme ($header)', (c) => {
  const secret = c.newSecret();
  const config = configFor(c, [secret]);

  it('accepts a request it signed itself', () => {
    const headers = signRequest(config, BODY, NOW);
    expect(headers[c.header]).toBeTruthy();
    expect(verifySignature(config, headers, BODY, NOW)).toEqual({ ok: true, scheme: c.scheme });
  });

  it('rejects a signature made with another secret', () => {
    const forged = signRequest(configFor(c, [c.newSecret()]), BODY, NOW);
    const result = verifySignature(config, forged, BODY, NOW);
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
    expect(result.ok || result.message).toBe('No signature matched (checked 1 signature against 1 secret)');
  });

  it('rejects a body altered by one byte', () => {
    const headers = signRequest(config, BODY, NOW);
    const altered = Buffer.from(BODY);
    altered[altered.length - 2] = altered[altered.length - 2]! ^ 1;
    expect(verifySignature(config, headers, altered, NOW)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('reports a missing signature header by name', () => {
    const headers: Headers = signRequest(config, BODY, NOW);
    delete headers[c.header];
    const result = verifySignature(config, headers, BODY, NOW);
    expect(result).toMatchObject({ ok: false, reason: 'missing' });
    expect(result.ok || result.message.toLowerCase()).toContain(`missing ${c.header}`);
  });

  it('reports a garbled signature as malformed', () => {
    const headers: Headers = signRequest(config, BODY, NOW);
    const good = headers[c.header] as string;
    headers[c.header] = good.replace(/[A-Za-z0-9+/]{20,}=*$/, 'not!a!signature');
    expect(verifySignature(config, headers, BODY, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('accepts either secret during rotation', () => {
    const oldSecret = c.newSecret();
    const newSecret = c.newSecret();
    const both = configFor(c, [newSecret, oldSecret]);
    for (const signer of [oldSecret, newSecret]) {
      const headers = signRequest(configFor(c, [signer]), BODY, NOW);
      expect(verifySignature(both, headers, BODY, NOW)).toEqual({ ok: true, scheme: c.scheme });
    }
    const stranger = signRequest(configFor(c, [c.newSecret()]), BODY, NOW);
    const result = verifySignature(both, stranger, BODY, NOW);
    expect(result.ok || result.message).toBe('No signature matched (checked 1 signature against 2 secrets)');
  });

  it('accepts a multi-signature header when any entry is good', () => {
    const good = signRequest(config, BODY, NOW);
    const forged = signRequest(configFor(c, [c.newSecret()]), BODY, NOW);
    const headers = { ...good, [c.header]: c.combine(forged[c.header]!, good[c.header]!) };
    expect(verifySignature(config, headers, BODY, NOW)).toEqual({ ok: true, scheme: c.scheme });

    const twoForged = { ...good, [c.header]: c.combine(forged[c.header]!, forged[c.header]!) };
    const result = verifySignature(configFor(c, [secret, c.newSecret()]), twoForged, BODY, NOW);
    expect(result.ok || result.message).toBe('No signature matched (checked 2 signatures against 2 secrets)');
  });

  it('accepts a signature split across repeated headers', () => {
    const good = signRequest(config, BODY, NOW);
    const forged = signRequest(configFor(c, [c.newSecret()]), BODY, NOW);
    if (c.scheme === 'stripe') return; // Stripe repeats entries inside one header, never the header itself
    const headers: Headers = { ...good, [c.header]: [forged[c.header]!, good[c.header]!] };
    expect(verifySignature(config, headers, BODY, NOW)).toEqual({ ok: true, scheme: c.scheme });
  });

  it('reports a hook without secrets instead of passing', () => {
    const headers = signRequest(config, BODY, NOW);
    expect(verifySignature(configFor(c, []), headers, BODY, NOW)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
  });

  if (c.timestamped) {
    it('rejects timestamps outside the tolerance in both directions', () => {
      const old = signRequest(config, BODY, NOW - 301_000);
      const result = verifySignature(config, old, BODY, NOW);
      expect(result).toMatchObject({ ok: false, reason: 'stale' });
      expect(result.ok || result.message).toBe('Timestamp outside the 300 s tolerance (it is 301 s old)');

      const future = signRequest(config, BODY, NOW + 301_000);
      expect(verifySignature(config, future, BODY, NOW)).toMatchObject({ ok: false, reason: 'stale' });

      const recent = signRequest(config, BODY, NOW - 299_000);
      expect(verifySignature(config, recent, BODY, NOW).ok).toBe(true);

      const lenient = { ...config, toleranceSeconds: 600 };
      expect(verifySignature(lenient, old, BODY, NOW).ok).toBe(true);
    });
  } else {
    it('ignores the clock for schemes without timestamps', () => {
      const headers = signRequest(config, BODY, 0);
      expect(verifySignature(config, headers, BODY, NOW).ok).toBe(true);
    });
  }
});

describe('none', () => {
  it('always passes and signs nothing', () => {
    const config: VerificationConfig = { scheme: 'none', secrets: [] };
    expect(verifySignature(config, {}, BODY)).toEqual({ ok: true, scheme: 'none' });
    expect(signRequest(config, BODY)).toEqual({});
  });
});

describe('unknown schemes', () => {
  it('fail closed', () => {
    const config = { scheme: 'md5', secrets: ['x'] } as unknown as VerificationConfig;
    expect(verifySignature(config, {}, BODY)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(() => signRequest(config, BODY)).toThrow(/Unknown verification scheme "md5"/);
  });
});
