import { describe, expect, it } from 'vitest';
import { classifyAddress, compileCidrList, isPublicUnicast, parseIpLiteral } from '@/lib/net/ip';

describe('parseIpLiteral', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0X7F.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['10.1.1', '10.1.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0x', '0.0.0.0'],
    ['4294967295', '255.255.255.255'],
    ['[::1]', '::1'],
    ['::1', '::1'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['[0:0:0:0:0:FFFF:7F00:0001]', '::ffff:7f00:1'],
    ['[fe80::1%25eth0]', 'fe80::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:0:0:0:0:0:0:0', '1::'],
  ])('%s → %s', (input, expected) => {
    expect(parseIpLiteral(input)).toBe(expected);
  });

  it.each([
    'example.com',
    'localhost',
    '256.0.0.1',
    '1.2.3.4.5',
    '08.0.0.1',
    '4294967296',
    '1.2.3.256x',
    '',
    '[',
    '::g',
  ])('rejects %s', (input) => {
    expect(parseIpLiteral(input)).toBeNull();
  });

  it('agrees with the WHATWG URL parser on every form the parser accepts', () => {
    const inputs = [
      '2130706433',
      '0177.0.0.1',
      '0x7f.1',
      '127.1',
      '10.1.1',
      '0x7f.0x0.0x0.0x1',
      '017700000001',
      '1.0x10000',
      '192.168.0257',
      '0x',
      '0.0.0.0.',
    ];
    for (const input of inputs) {
      const viaUrl = new URL(`http://${input}/`).hostname;
      expect(parseIpLiteral(input), input).toBe(viaUrl);
    }
    for (const input of ['[::ffff:127.0.0.1]', '[64:ff9b::127.0.0.1]', '[2002:7f00:1::]', '[0:0::0:1]']) {
      expect(`[${parseIpLiteral(input)}]`, input).toBe(new URL(`http://${input}/`).hostname);
    }
  });
});

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback address'],
    ['127.255.0.9', 'loopback address'],
    ['10.0.0.1', 'private address'],
    ['172.16.0.1', 'private address'],
    ['172.31.255.255', 'private address'],
    ['192.168.1.1', 'private address'],
    ['169.254.1.1', 'link-local address'],
    ['169.254.169.254', 'cloud metadata address'],
    ['100.100.100.200', 'cloud metadata address'],
    ['100.64.0.1', 'carrier-grade NAT address'],
    ['100.127.255.255', 'carrier-grade NAT address'],
    ['224.0.0.1', 'multicast address'],
    ['239.255.255.250', 'multicast address'],
    ['0.0.0.0', 'unspecified address'],
    ['0.1.2.3', 'unspecified address'],
    ['255.255.255.255', 'broadcast address'],
    ['192.0.0.8', 'reserved address'],
    ['192.0.2.1', 'documentation address'],
    ['198.18.0.1', 'benchmarking address'],
    ['198.19.255.1', 'benchmarking address'],
    ['198.51.100.7', 'documentation address'],
    ['203.0.113.9', 'documentation address'],
    ['240.0.0.1', 'reserved address'],
    ['::', 'unspecified address'],
    ['::1', 'loopback address'],
    ['fe80::1', 'link-local address'],
    ['febf::1', 'link-local address'],
    ['fc00::1', 'unique-local address'],
    ['fd12:3456::1', 'unique-local address'],
    ['fd00:ec2::254', 'cloud metadata address'],
    ['ff02::1', 'multicast address'],
    ['2001:db8::1', 'documentation address'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo address'],
    ['::ffff:127.0.0.1', 'IPv4-mapped address embedding loopback address 127.0.0.1'],
    ['::ffff:7f00:1', 'IPv4-mapped address embedding loopback address 127.0.0.1'],
    ['::ffff:169.254.169.254', 'IPv4-mapped address embedding cloud metadata address 169.254.169.254'],
    ['::127.0.0.1', 'IPv4-compatible address embedding 127.0.0.1'],
    ['::8.8.8.8', 'IPv4-compatible address embedding 8.8.8.8'],
    ['64:ff9b::7f00:1', 'NAT64 address embedding loopback address 127.0.0.1'],
    ['64:ff9b::10.0.0.1', 'NAT64 address embedding private address 10.0.0.1'],
    ['64:ff9b:1::8.8.8.8', 'local-use NAT64 address'],
    ['2002:7f00:1::', '6to4 address embedding loopback address 127.0.0.1'],
    ['2002:c0a8:101::1', '6to4 address embedding private address 192.168.1.1'],
    ['1::', 'reserved address'],
    ['not-an-ip', 'not an IP address'],
  ])('%s is refused as %s', (ip, reason) => {
    expect(classifyAddress(ip)).toMatchObject({ public: false, reason });
    expect(isPublicUnicast(ip)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '100.63.255.255',
    '100.128.0.0',
    '172.32.0.1',
    '198.20.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('%s is public', (ip) => {
    expect(classifyAddress(ip)).toEqual({ public: true });
    expect(isPublicUnicast(ip)).toBe(true);
  });

  it('flags metadata addresses so a private-network opt-in does not cover them', () => {
    expect(classifyAddress('169.254.169.254').metadata).toBe(true);
    expect(classifyAddress('::ffff:a9fe:a9fe').metadata).toBe(true);
    expect(classifyAddress('10.0.0.1').metadata).toBeUndefined();
  });

  it('judges every spelling of an address the same way', () => {
    for (const spelling of ['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '[::ffff:127.0.0.1]']) {
      expect(classifyAddress(spelling).public, spelling).toBe(false);
    }
  });
});

describe('compileCidrList', () => {
  it('matches IPv4 and IPv6 ranges, comma or space separated', () => {
    const allowed = compileCidrList('127.0.0.0/8, 10.1.2.3  fd00::/8,192.168.0.0/23');
    expect(allowed('127.9.9.9')).toBe(true);
    expect(allowed('10.1.2.3')).toBe(true);
    expect(allowed('10.1.2.4')).toBe(false);
    expect(allowed('fd12::1')).toBe(true);
    expect(allowed('fe80::1')).toBe(false);
    expect(allowed('192.168.1.200')).toBe(true);
    expect(allowed('192.168.2.1')).toBe(false);
    expect(allowed('::ffff:127.0.0.1')).toBe(true);
    expect(allowed('[::ffff:7f00:1]')).toBe(true);
    expect(allowed('garbage')).toBe(false);
  });

  it('treats a mapped IPv6 range as its IPv4 range', () => {
    const allowed = compileCidrList('::ffff:10.0.0.0/104');
    expect(allowed('10.200.0.1')).toBe(true);
    expect(allowed('11.0.0.1')).toBe(false);
  });

  it('matches nothing when empty, everything with /0', () => {
    expect(compileCidrList('')('8.8.8.8')).toBe(false);
    expect(compileCidrList(' , ')('8.8.8.8')).toBe(false);
    expect(compileCidrList('0.0.0.0/0')('8.8.8.8')).toBe(true);
    expect(compileCidrList('0.0.0.0/0')('::1')).toBe(false);
    expect(compileCidrList('::/0')('::1')).toBe(true);
  });

  it.each(['10.0.0.0/33', 'fd00::/129', 'example.com', '10.0.0/8', '10.0.0.0/x', '10.0.0.0/'])(
    'rejects %s',
    (entry) => {
      expect(() => compileCidrList(entry)).toThrow(/CIDR list/);
    },
  );
});
