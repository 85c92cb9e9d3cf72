import { isIPv4, isIPv6 } from 'node:net';

// Address classification for the outbound SSRF guard. Everything works on byte arrays so that
// every textual spelling of an address (decimal, octal, hex, short, mapped IPv6…) is judged the same.

type Bytes = Uint8Array;

export interface AddressClass {
  public: boolean;
  reason?: string;
  /** Cloud metadata endpoints stay refused even when private networks are allowed. */
  metadata?: true;
}

/**
 * Recognises every literal form the WHATWG URL parser or inet_aton turns into an address
 * (`2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`, `[::1]`, …); returns the canonical text or null.
 */
export function parseIpLiteral(host: string): string | null {
  const bytes = parseToBytes(host);
  return bytes ? formatBytes(bytes) : null;
}

export function isPublicUnicast(ip: string): boolean {
  return classifyAddress(ip).public;
}

export function classifyAddress(ip: string): AddressClass {
  const bytes = parseToBytes(ip);
  if (!bytes) return { public: false, reason: 'not an IP address' };
  return bytes.length === 4 ? classifyV4(bytes) : classifyV6(bytes);
}

/** Compiles a comma/space separated CIDR list (`10.0.0.0/8, fd00::/8 192.168.1.5`); throws on a bad entry. */
export function compileCidrList(list: string): (ip: string) => boolean {
  const entries = list
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(parseCidr);
  if (entries.length === 0) return () => false;
  return (ip) => {
    const parsed = parseToBytes(ip);
    if (!parsed) return false;
    // A mapped address is dialled as its IPv4 address, so it must match IPv4 rules too.
    const bytes = unmapV4(parsed) ?? parsed;
    return entries.some(
      (cidr) => cidr.base.length === bytes.length && inPrefix(bytes, cidr.base, cidr.prefix),
    );
  };
}

function parseCidr(entry: string): { base: Bytes; prefix: number } {
  const slash = entry.indexOf('/');
  const addressText = slash === -1 ? entry : entry.slice(0, slash);
  const address = isIPv4(addressText) ? v4FromDotted(addressText) : parseV6(stripBrackets(addressText));
  if (!address) throw new Error(`Invalid address in CIDR list: "${entry}"`);
  const maxPrefix = address.length * 8;
  const prefixText = slash === -1 ? String(maxPrefix) : entry.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= maxPrefix))
    throw new Error(`Invalid prefix length in CIDR list: "${entry}"`);
  const mapped = unmapV4(address);
  return mapped && prefix >= 96 ? { base: mapped, prefix: prefix - 96 } : { base: address, prefix };
}

// ---- parsing -------------------------------------------------------------------------------

function parseToBytes(input: string): Bytes | null {
  const host = input.trim().toLowerCase();
  if (host.includes(':')) return parseV6(stripBrackets(host));
  return parseV4Loose(host);
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** WHATWG "IPv4 parser": 1–4 parts, each decimal, 0-prefixed octal or 0x-prefixed hex; the last part fills the rest. */
function parseV4Loose(host: string): Bytes | null {
  const parts = host.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0 || parts.length > 4) return null;
  const numbers: bigint[] = [];
  for (const part of parts) {
    const n = parseV4Part(part);
    if (n === null) return null;
    numbers.push(n);
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255n)) return null;
  if (last >= 256n ** BigInt(5 - parts.length)) return null;
  let value = last;
  numbers.forEach((n, i) => (value += n << BigInt(8 * (3 - i))));
  return v4FromNumber(Number(value));
}

function parseV4Part(part: string): bigint | null {
  if (/^0x[0-9a-f]*$/.test(part)) return part.length === 2 ? 0n : BigInt(part);
  if (/^0[0-7]+$/.test(part)) return BigInt(`0o${part.slice(1)}`);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return BigInt(part);
  return null;
}

function v4FromNumber(n: number): Bytes {
  return Uint8Array.of((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

function v4FromDotted(text: string): Bytes {
  return Uint8Array.from(text.split('.').map(Number));
}

function parseV6(text: string): Bytes | null {
  // Zone ids (fe80::1%eth0) do not change which address is dialled.
  const address = text.split('%')[0];
  if (!isIPv6(address)) return null;
  const [head, tail] = address.includes('::') ? address.split('::') : [address, null];
  const bytes = new Uint8Array(16);
  const groups = (s: string | null) => (s ? s.split(':') : []);
  const expand = (list: string[]) =>
    list.flatMap((g) => (g.includes('.') ? dottedToGroups(g) : [parseInt(g, 16)]));
  const headGroups = expand(groups(head));
  const tailGroups = expand(groups(tail));
  if (tail === null && headGroups.length !== 8) return null;
  tailGroups.forEach((g, i) => writeGroup(bytes, 8 - tailGroups.length + i, g));
  headGroups.forEach((g, i) => writeGroup(bytes, i, g));
  return bytes;
}

function dottedToGroups(dotted: string): number[] {
  const [a, b, c, d] = dotted.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

function writeGroup(bytes: Bytes, index: number, value: number): void {
  bytes[index * 2] = value >> 8;
  bytes[index * 2 + 1] = value & 255;
}

// ---- formatting ----------------------------------------------------------------------------

function formatBytes(bytes: Bytes): string {
  return bytes.length === 4 ? bytes.join('.') : formatV6(bytes);
}

/** RFC 5952 text (lower-case, longest zero run compressed), as the WHATWG URL serialiser writes it. */
function formatV6(bytes: Bytes): string {
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[i * 2] << 8) | bytes[i * 2 + 1]);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

// ---- classification ------------------------------------------------------------------------

type Range = [base: string, prefix: number, reason: string];

// Order matters: the first match names the reason, so specific entries come before their supernets.
const V4_METADATA = ['169.254.169.254', '169.254.170.2', '100.100.100.200', '168.63.129.16'];
const V4_RANGES: Range[] = [
  ['255.255.255.255', 32, 'broadcast address'],
  ['0.0.0.0', 8, 'unspecified address'],
  ['10.0.0.0', 8, 'private address'],
  ['100.64.0.0', 10, 'carrier-grade NAT address'],
  ['127.0.0.0', 8, 'loopback address'],
  ['169.254.0.0', 16, 'link-local address'],
  ['172.16.0.0', 12, 'private address'],
  ['192.0.0.0', 24, 'reserved address'],
  ['192.0.2.0', 24, 'documentation address'],
  ['192.88.99.0', 24, 'reserved address'],
  ['192.168.0.0', 16, 'private address'],
  ['198.18.0.0', 15, 'benchmarking address'],
  ['198.51.100.0', 24, 'documentation address'],
  ['203.0.113.0', 24, 'documentation address'],
  ['224.0.0.0', 4, 'multicast address'],
  ['240.0.0.0', 4, 'reserved address'],
];
const V6_METADATA = ['fd00:ec2::254'];
const V6_RANGES: Range[] = [
  ['::', 128, 'unspecified address'],
  ['::1', 128, 'loopback address'],
  ['100::', 64, 'discard-only address'],
  ['2001::', 32, 'Teredo address'],
  ['2001:2::', 48, 'benchmarking address'],
  ['2001:db8::', 32, 'documentation address'],
  ['3fff::', 20, 'documentation address'],
  ['5f00::', 16, 'reserved address'],
  ['fc00::', 7, 'unique-local address'],
  ['fe80::', 10, 'link-local address'],
  ['fec0::', 10, 'site-local address'],
  ['ff00::', 8, 'multicast address'],
];

type CompiledRange = [base: Bytes, prefix: number, reason: string];
const compile = (ranges: Range[], parse: (s: string) => Bytes | null): CompiledRange[] =>
  ranges.map(([base, prefix, reason]) => [parse(base)!, prefix, reason]);
let v4Table: CompiledRange[] | undefined;
let v6Table: CompiledRange[] | undefined;

function classifyV4(bytes: Bytes): AddressClass {
  const text = formatBytes(bytes);
  if (V4_METADATA.includes(text)) return { public: false, reason: 'cloud metadata address', metadata: true };
  v4Table ??= compile(V4_RANGES, v4FromDotted);
  const hit = v4Table.find(([base, prefix]) => inPrefix(bytes, base, prefix));
  return hit ? { public: false, reason: hit[2] } : { public: true };
}

function classifyV6(bytes: Bytes): AddressClass {
  if (V6_METADATA.includes(formatV6(bytes)))
    return { public: false, reason: 'cloud metadata address', metadata: true };
  const embedded = classifyEmbeddedV4(bytes);
  if (embedded) return embedded;
  v6Table ??= compile(V6_RANGES, parseV6);
  const hit = v6Table.find(([base, prefix]) => inPrefix(bytes, base, prefix));
  if (hit) return { public: false, reason: hit[2] };
  // Only 2000::/3 is allocated for global unicast; anything else is reserved today.
  if ((bytes[0] & 0xe0) !== 0x20) return { public: false, reason: 'reserved address' };
  return { public: true };
}

/**
 * IPv6 forms that carry an IPv4 address reach that IPv4 host (mapped: the kernel dials it;
 * NAT64 and 6to4: a gateway does), so they are judged by the address they embed.
 */
function classifyEmbeddedV4(bytes: Bytes): AddressClass | null {
  const mapped = unmapV4(bytes);
  if (mapped) return judgeEmbedded('IPv4-mapped', mapped);
  if (startsWith(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) && !isLoopbackOrUnspecifiedV6(bytes)) {
    // IPv4-compatible addresses are deprecated (RFC 4291) and have no legitimate use as a target.
    return { public: false, reason: `IPv4-compatible address embedding ${formatBytes(bytes.slice(12))}` };
  }
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]))
    return judgeEmbedded('NAT64', bytes.slice(12));
  // Local-use NAT64 (RFC 8215) translates into the operator's own network by definition.
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01]))
    return { public: false, reason: 'local-use NAT64 address' };
  if (startsWith(bytes, [0x20, 0x02])) return judgeEmbedded('6to4', bytes.slice(2, 6));
  return null;
}

function judgeEmbedded(form: string, v4: Bytes): AddressClass {
  const inner = classifyV4(v4);
  if (inner.public) return inner;
  return { ...inner, reason: `${form} address embedding ${inner.reason} ${formatBytes(v4)}` };
}

function unmapV4(bytes: Bytes): Bytes | null {
  if (bytes.length !== 16) return null;
  return startsWith(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]) ? bytes.slice(12) : null;
}

function isLoopbackOrUnspecifiedV6(bytes: Bytes): boolean {
  return bytes.slice(0, 15).every((b) => b === 0) && bytes[15] <= 1;
}

function startsWith(bytes: Bytes, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function inPrefix(bytes: Bytes, base: Bytes, prefix: number): boolean {
  if (bytes.length !== base.length) return false;
  const whole = prefix >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== base[i]) return false;
  const rest = prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole] & mask) === (base[whole] & mask);
}
