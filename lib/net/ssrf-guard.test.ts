import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { compileCidrList } from '@/lib/net/ip';
import {
  BlockedAddressError,
  createGuardedLookup,
  explainRefusal,
  type OutboundPolicy,
} from '@/lib/net/ssrf-guard';
import { createGuardedAgent } from '@/lib/delivery/http-client';

const strict: OutboundPolicy = { allowPrivateNetworks: false, allowedTargets: () => false };
const loopbackAllowed: OutboundPolicy = {
  allowPrivateNetworks: false,
  allowedTargets: compileCidrList('127.0.0.0/8'),
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

async function startServer(handler: http.RequestListener = (_req, res) => res.end('ok')) {
  const server = http.createServer(handler);
  const stats = { connections: 0 };
  server.on('connection', () => stats.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return { port, stats };
}

function fixedResolver(...answers: string[][]) {
  let call = 0;
  return (
    _host: string,
    _opts: unknown,
    cb: (err: NodeJS.ErrnoException | null, a: LookupAddress[]) => void,
  ) => {
    const answer = answers[Math.min(call++, answers.length - 1)];
    queueMicrotask(() =>
      cb(
        null,
        answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      ),
    );
  };
}

function agent(policy: OutboundPolicy, resolve?: ReturnType<typeof fixedResolver>) {
  const a = createGuardedAgent(policy, { resolve });
  cleanups.push(() => a.destroy());
  return a;
}

describe('explainRefusal', () => {
  it('explains a refusal and how to lift it', () => {
    expect(explainRefusal('127.0.0.1', strict)).toBe(
      'Refused to connect to 127.0.0.1 (loopback address); set HOOKLINE_ALLOW_PRIVATE_NETWORKS=true to allow private targets',
    );
    expect(explainRefusal('10.0.0.1', strict, 'db.internal')).toContain(
      '(private address, resolved from db.internal)',
    );
    expect(explainRefusal('8.8.8.8', strict)).toBeNull();
  });

  it('keeps metadata addresses closed when private networks are allowed, unless listed explicitly', () => {
    const lan: OutboundPolicy = { allowPrivateNetworks: true, allowedTargets: () => false };
    expect(explainRefusal('10.0.0.1', lan)).toBeNull();
    expect(explainRefusal('169.254.169.254', lan)).toMatch(
      /cloud metadata address.*HOOKLINE_ALLOWED_TARGETS/,
    );
    const listed: OutboundPolicy = {
      allowPrivateNetworks: false,
      allowedTargets: compileCidrList('169.254.169.254'),
    };
    expect(explainRefusal('169.254.169.254', listed)).toBeNull();
  });
});

describe('createGuardedLookup', () => {
  it('answers in both the single-address and the all-addresses shape', async () => {
    const lookup = createGuardedLookup(loopbackAllowed, fixedResolver(['127.0.0.2', '127.0.0.3']));
    const one = await new Promise((resolve, reject) =>
      lookup('x.test', { family: 0 }, (err, address, family) =>
        err ? reject(err) : resolve([address, family]),
      ),
    );
    expect(one).toEqual(['127.0.0.2', 4]);
    const all = await new Promise((resolve, reject) =>
      lookup('x.test', { all: true } as never, (err, addresses) => (err ? reject(err) : resolve(addresses))),
    );
    expect(all).toEqual([
      { address: '127.0.0.2', family: 4 },
      { address: '127.0.0.3', family: 4 },
    ]);
  });

  it('refuses the name when any of its addresses is refused', async () => {
    const lookup = createGuardedLookup(loopbackAllowed, fixedResolver(['127.0.0.2', '10.0.0.1']));
    const err = await new Promise((resolve) => lookup('mixed.test', { family: 0 }, (e) => resolve(e)));
    expect(err).toBeInstanceOf(BlockedAddressError);
    expect((err as Error).message).toContain('10.0.0.1 (private address, resolved from mixed.test)');
  });
});

describe('guarded agent (connect-time check, no pre-check involved)', () => {
  it('refuses a literal loopback address before dialling', async () => {
    const { port, stats } = await startServer();
    const attempt = request(`http://127.0.0.1:${port}/`, { dispatcher: agent(strict) });
    await expect(attempt).rejects.toBeInstanceOf(BlockedAddressError);
    expect(stats.connections).toBe(0);
  });

  it('refuses a name that resolves to loopback (localhost)', async () => {
    const { port, stats } = await startServer();
    const attempt = request(`http://localhost:${port}/`, { dispatcher: agent(strict) });
    await expect(attempt).rejects.toThrow(
      /Refused to connect to .*loopback address, resolved from localhost/,
    );
    expect(stats.connections).toBe(0);
  });

  it('refuses a mixed answer instead of picking the allowed address', async () => {
    const { port, stats } = await startServer();
    const resolve = fixedResolver(['127.0.0.1', '10.0.0.1']);
    const attempt = request(`http://mixed.test:${port}/`, { dispatcher: agent(loopbackAllowed, resolve) });
    await expect(attempt).rejects.toBeInstanceOf(BlockedAddressError);
    expect(stats.connections).toBe(0);
  });

  it('dials exactly the address it checked, and re-checks on every new connection (DNS rebinding)', async () => {
    const { port, stats } = await startServer((_req, res) => {
      res.setHeader('connection', 'close');
      res.end('ok');
    });
    // First answer is allowed; the "rebound" second answer points into the private network.
    const resolve = fixedResolver(['127.0.0.1'], ['10.0.0.1']);
    const dispatcher = agent(loopbackAllowed, resolve);
    const first = await request(`http://rebind.test:${port}/`, { dispatcher });
    expect(await first.body.text()).toBe('ok');
    expect(stats.connections).toBe(1);
    await expect(request(`http://rebind.test:${port}/`, { dispatcher })).rejects.toBeInstanceOf(
      BlockedAddressError,
    );
    expect(stats.connections).toBe(1);
  });
});
