import dns, { type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import { classifyAddress, parseIpLiteral } from '@/lib/net/ip';

export interface OutboundPolicy {
  allowPrivateNetworks: boolean;
  allowedTargets: (ip: string) => boolean;
}

/** Raised at connect time; carries the operator-facing explanation. */
export class BlockedAddressError extends Error {
  readonly code = 'HOOKLINE_BLOCKED_ADDRESS';
  constructor(message: string) {
    super(message);
    this.name = 'BlockedAddressError';
  }
}

/** Returns why `ip` may not be dialled under `policy`, or null when it may. */
export function explainRefusal(ip: string, policy: OutboundPolicy, hostname?: string): string | null {
  if (policy.allowedTargets(ip)) return null;
  const verdict = classifyAddress(ip);
  if (verdict.public) return null;
  // Metadata endpoints hand out cloud credentials: "allow private networks" is not consent for that.
  if (policy.allowPrivateNetworks && !verdict.metadata) return null;
  const via = hostname && hostname !== ip ? `, resolved from ${hostname}` : '';
  const hint = verdict.metadata
    ? 'add it to HOOKLINE_ALLOWED_TARGETS to allow it'
    : 'set HOOKLINE_ALLOW_PRIVATE_NETWORKS=true to allow private targets';
  return `Refused to connect to ${ip} (${verdict.reason}${via}); ${hint}`;
}

type ResolveAll = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const resolveWithSystem: ResolveAll = (hostname, options, callback) =>
  dns.lookup(hostname, options, callback);

/**
 * A `lookup` for net/tls.connect that refuses the whole name when any resolved address is refused:
 * the socket can only dial what this function returns, so DNS rebinding cannot slip past it.
 */
export function createGuardedLookup(
  policy: OutboundPolicy,
  resolve: ResolveAll = resolveWithSystem,
): LookupFunction {
  return (hostname, options, callback) => {
    const done = callback as (err: Error | null, address?: string | LookupAddress[], family?: number) => void;
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return done(err);
      if (addresses.length === 0)
        return done(Object.assign(new Error(`No address found for ${hostname}`), { code: 'ENOTFOUND' }));
      for (const { address } of addresses) {
        const refusal = explainRefusal(address, policy, hostname);
        if (refusal) return done(new BlockedAddressError(refusal));
      }
      if ((options as dns.LookupOptions).all) return done(null, addresses);
      done(null, addresses[0].address, addresses[0].family);
    });
  };
}

export interface GuardedConnectorOptions {
  /** Replaces the system resolver (tests, custom DNS). */
  resolve?: ResolveAll;
  connectTimeoutMs?: number;
}

/**
 * undici connector that vets the dialled address: literal IPs here (net.connect skips `lookup`
 * for them), names in the guarded lookup after resolution.
 */
export function createGuardedConnector(
  policy: OutboundPolicy,
  options: GuardedConnectorOptions = {},
): buildConnector.connector {
  const connect = buildConnector({
    lookup: createGuardedLookup(policy, options.resolve),
    timeout: options.connectTimeoutMs ?? 10_000,
  });
  return (target, callback) => {
    const literal = parseIpLiteral(target.hostname);
    const refusal = literal && explainRefusal(literal, policy);
    if (refusal) return callback(new BlockedAddressError(refusal), null);
    connect(target, callback);
  };
}
