import type { IncomingMessage } from 'node:http';
import { BlockList, isIP, isIPv4 } from 'node:net';

type ParsedEntry = { address: string; family: 'ipv4' | 'ipv6'; prefix: number | null };

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** `::ffff:1.2.3.4` (how dual-stack sockets report IPv4 peers) → `1.2.3.4`. */
export function normalizeIp(ip: string): string {
  const mapped = MAPPED_V4.exec(ip);
  return mapped ? mapped[1]! : ip;
}

function parseEntry(raw: string): ParsedEntry | null {
  const entry = raw.trim();
  const slash = entry.indexOf('/');
  const address = normalizeIp(slash < 0 ? entry : entry.slice(0, slash));
  const version = isIP(address);
  if (version === 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (slash < 0) return { address, family, prefix: null };
  const prefixText = entry.slice(slash + 1);
  const max = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return null;
  return { address, family, prefix: Number(prefixText) };
}

/** Returns an error message for a bad allow-list entry, or null when it is usable. */
export function validateIpAllowEntry(s: string): string | null {
  if (s.trim() === '') return 'IP allow-list entries cannot be empty';
  if (parseEntry(s) === null) {
    return `"${s.trim()}" is not an IP address or CIDR range (examples: 203.0.113.7, 203.0.113.0/24, 2001:db8::/32)`;
  }
  return null;
}

/**
 * Compiles allow-list entries into a matcher. An empty list allows everyone. An invalid entry
 * throws: silently dropping it could turn a one-entry list into an empty, allow-all one.
 */
export function compileIpAllowList(entries: string[]): (ip: string) => boolean {
  if (entries.length === 0) return () => true;
  const list = new BlockList();
  for (const raw of entries) {
    const entry = parseEntry(raw);
    if (entry === null) throw new Error(validateIpAllowEntry(raw) ?? `Invalid IP allow-list entry "${raw}"`);
    if (entry.prefix === null) list.addAddress(entry.address, entry.family);
    else list.addSubnet(entry.address, entry.prefix, entry.family);
  }
  return (ip) => {
    const address = normalizeIp(ip.trim());
    const version = isIP(address);
    if (version === 0) return false;
    return list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/** Accepts `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443` and bare IPv6 as proxies write them. */
function parseForwardedAddress(value: string): string | null {
  const trimmed = value.trim();
  if (isIP(trimmed) !== 0) return trimmed;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(trimmed);
  if (bracketed && isIP(bracketed[1]!) !== 0) return bracketed[1]!;
  const withPort = /^([^:]+):\d+$/.exec(trimmed);
  if (withPort && isIPv4(withPort[1]!)) return withPort[1]!;
  return null;
}

/**
 * The caller's address. X-Forwarded-For is only believed when the operator says a proxy sets it,
 * since any client can send one.
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0];
    const forwarded = first === undefined ? null : parseForwardedAddress(first);
    if (forwarded !== null) return normalizeIp(forwarded);
  }
  return normalizeIp(req.socket.remoteAddress ?? '');
}
