import { once } from 'node:events';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { clientIp, compileIpAllowList, normalizeIp, validateIpAllowEntry } from './ip-allow';

describe('compileIpAllowList', () => {
  it('allows everyone when the list is empty', () => {
    const allow = compileIpAllowList([]);
    expect(allow('203.0.113.7')).toBe(true);
    expect(allow('2001:db8::1')).toBe(true);
  });

  it('matches single addresses and CIDR ranges of both families', () => {
    const allow = compileIpAllowList(['192.0.2.10', ' 198.51.100.0/24 ', '2001:db8:abcd::/48', '::1']);
    expect(allow('192.0.2.10')).toBe(true);
    expect(allow('192.0.2.11')).toBe(false);
    expect(allow('198.51.100.255')).toBe(true);
    expect(allow('198.51.101.0')).toBe(false);
    expect(allow('2001:db8:abcd:12::7')).toBe(true);
    expect(allow('2001:db8:abce::7')).toBe(false);
    expect(allow('::1')).toBe(true);
    expect(allow('0:0:0:0:0:0:0:1')).toBe(true);
  });

  it('matches IPv4-mapped IPv6 peers against IPv4 rules, and mapped entries against plain peers', () => {
    expect(compileIpAllowList(['10.0.0.0/8'])('::ffff:10.1.2.3')).toBe(true);
    expect(compileIpAllowList(['10.0.0.0/8'])('::ffff:11.1.2.3')).toBe(false);
    expect(compileIpAllowList(['::ffff:192.0.2.1'])('192.0.2.1')).toBe(true);
  });

  it('denies unparseable client addresses instead of throwing', () => {
    const allow = compileIpAllowList(['0.0.0.0/0']);
    expect(allow('')).toBe(false);
    expect(allow('not-an-ip')).toBe(false);
    expect(allow('8.8.8.8')).toBe(true);
  });

  it('throws on an invalid entry rather than widening the list', () => {
    expect(() => compileIpAllowList(['10.0.0.0/33'])).toThrow(/not an IP address or CIDR range/);
  });
});

describe('validateIpAllowEntry', () => {
  it.each(['1.2.3.4', '1.2.3.0/24', '0.0.0.0/0', '2001:db8::/32', '::/0', '::ffff:1.2.3.4', 'fe80::1/128'])(
    'accepts %s',
    (entry) => expect(validateIpAllowEntry(entry)).toBeNull(),
  );

  it.each([
    '',
    '  ',
    '1.2.3',
    '256.1.1.1',
    '1.2.3.4/33',
    '1.2.3.4/',
    '1.2.3.4/-1',
    '2001:db8::/129',
    'example.com',
    '1.2.3.4/24/1',
  ])('rejects %j with a message', (entry) => expect(validateIpAllowEntry(entry)).toMatch(/\S/));

  it('shows examples in its message', () => {
    expect(validateIpAllowEntry('10.0.0.0/33')).toBe(
      '"10.0.0.0/33" is not an IP address or CIDR range (examples: 203.0.113.7, 203.0.113.0/24, 2001:db8::/32)',
    );
  });
});

describe('normalizeIp', () => {
  it('unwraps only IPv4-mapped IPv6', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('::FFFF:8.8.8.8')).toBe('8.8.8.8');
    expect(normalizeIp('2001:db8::1')).toBe('2001:db8::1');
  });
});

describe('clientIp', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  /** Sends one real request and returns what clientIp saw on the server side. */
  async function seenIp(host: string, headers: Record<string, string | string[]>, trustProxy: boolean) {
    server = createServer((req, res) => {
      res.end(clientIp(req, trustProxy));
    });
    server.listen(0, host);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', port, headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
  }

  it('uses the socket address and ignores X-Forwarded-For unless trusted', async () => {
    expect(await seenIp('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }, false)).toBe('127.0.0.1');
  });

  it('uses the left-most X-Forwarded-For entry when trusted', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9, 10.0.0.2, 10.0.0.1' };
    expect(await seenIp('127.0.0.1', headers, true)).toBe('203.0.113.9');
  });

  it('strips the port a proxy may append to an IPv4 entry', async () => {
    expect(await seenIp('127.0.0.1', { 'x-forwarded-for': '203.0.113.9:51234' }, true)).toBe('203.0.113.9');
  });

  it('unwraps bracketed IPv6 and IPv4-mapped forms from the header', async () => {
    expect(await seenIp('127.0.0.1', { 'x-forwarded-for': '[2001:db8::5]:443, 10.0.0.1' }, true)).toBe(
      '2001:db8::5',
    );
    await new Promise((r) => server?.close(r));
    expect(await seenIp('127.0.0.1', { 'x-forwarded-for': '::ffff:203.0.113.9' }, true)).toBe('203.0.113.9');
  });

  it('falls back to the socket when the header is not an address', async () => {
    expect(await seenIp('127.0.0.1', { 'x-forwarded-for': 'unknown' }, true)).toBe('127.0.0.1');
  });

  it('normalises an IPv4 peer on a dual-stack socket', async () => {
    expect(await seenIp('::', {}, false)).toBe('127.0.0.1');
  });
});
