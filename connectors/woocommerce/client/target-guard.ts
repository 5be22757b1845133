import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ConnectorError } from '../../../core/plugin-api/index.ts';

/**
 * SSRF protection for the store URL a tenant configures. In production a shop's URL must reach the
 * public internet: an admin who may edit a tenant must not be able to point Koppla at the worker's
 * own loopback (its health port, a database), a private network or a cloud metadata endpoint
 * (169.254.169.254) and read the answers back through error messages and run traces.
 *
 * Private targets are allowed outside production (`NODE_ENV !== 'production'`: the sandboxes run on
 * 127.0.0.1) and when a connection sets `allowPrivateTargets: true` (a shop on the same private
 * network as the worker, by the operator's decision).
 *
 * The check resolves the host name itself; a DNS answer that changes between this check and the
 * connection (DNS rebinding) is not covered — SECURITY.md lists it as a residual risk.
 */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  BLOCKED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  BLOCKED.addSubnet(network, prefix, 'ipv6');

/** True when `address` (an IP literal) is loopback, private, link-local or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return BLOCKED.check(bare, 'ipv4');
  if (family !== 6) return true;
  // an IPv4 address written as IPv6 (::ffff:127.0.0.1, ::ffff:7f00:1, NAT64 64:ff9b::…) is judged as IPv4
  const embedded = embeddedIpv4(bare);
  if (embedded !== undefined) return BLOCKED.check(embedded, 'ipv4');
  return BLOCKED.check(bare, 'ipv6');
}

function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex?.[1] || !hex[2]) return undefined;
  const high = Number.parseInt(hex[1], 16);
  const low = Number.parseInt(hex[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export interface TargetPolicy {
  /** The connection's `allowPrivateTargets` setting. */
  readonly allowPrivateTargets?: boolean;
}

export type HostResolver = (host: string) => Promise<readonly string[]>;

const resolveAll: HostResolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/** Host names already judged public, with when: one lookup per host and minute, not per request. */
const judged = new Map<string, number>();
const JUDGED_FOR_MS = 60_000;

/**
 * Refuses (ConnectorError `private_target`, not retried) a request to a loopback, private or
 * link-local address in production, unless the connection allows private targets.
 */
export async function assertAllowedTarget(
  url: URL,
  policy: TargetPolicy,
  options: {
    readonly env?: Readonly<Record<string, string | undefined>>;
    readonly resolve?: HostResolver;
  } = {},
): Promise<void> {
  const env = options.env ?? process.env;
  if (policy.allowPrivateTargets === true || env.NODE_ENV !== 'production') return;
  const refuse = (why: string): never => {
    throw new ConnectorError(
      'unknown',
      `the store URL's host ${url.hostname} ${why}; in production Koppla only calls public addresses (set allowPrivateTargets on the connection to allow it)`,
      { code: 'private_target', retryable: false },
    );
  };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse(`uses ${url.protocol}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) refuse('is loopback');
  if (isIP(host) !== 0) {
    if (isPrivateAddress(host)) refuse('is a loopback or private address');
    return;
  }
  const at = judged.get(host);
  if (options.resolve === undefined && at !== undefined && Date.now() - at < JUDGED_FOR_MS) return;
  let addresses: readonly string[];
  try {
    addresses = await (options.resolve ?? resolveAll)(host);
  } catch {
    // unresolvable: the request itself fails with the usual network error, retried as transient
    return;
  }
  const blocked = addresses.find(isPrivateAddress);
  if (blocked !== undefined) refuse(`resolves to the private address ${blocked}`);
  if (options.resolve === undefined) {
    if (judged.size > 1_000) judged.clear();
    judged.set(host, Date.now());
  }
}
