// Where destinations may connect. An ADMIN types a destination's URL, so without a policy the server
// would fetch whatever they name: its own loopback services, the private network, the cloud
// metadata endpoint. Loopback, private, link-local, unique-local, multicast and reserved addresses
// are refused unless PAIDSYNC_ALLOW_PRIVATE_HOSTS names the host (a name, an IP or a CIDR), or the
// URL is the simulator's own origin while it runs.
//
// The check runs twice: on the URL when a destination is saved, and on the address a socket is
// about to connect to (the `lookup` below), so a name that resolves to a public address when saved
// and to 127.0.0.1 when used (DNS rebinding) is still refused.
import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export class NetworkPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkPolicyError';
  }
}

type Family = 'ipv4' | 'ipv6';
/** name resolution: every address a host name has */
export type ResolveHost = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

const FORBIDDEN: Array<[string, number, Family]> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, cloud metadata
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['::', 96, 'ipv6'], // IPv4-compatible
  ['64:ff9b::', 96, 'ipv6'], // NAT64: another way to write an IPv4 address
  ['64:ff9b:1::', 48, 'ipv6'],
  ['fc00::', 7, 'ipv6'], // unique-local (AWS metadata fd00:ec2::254 too)
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // site-local (deprecated, still routed by some)
  ['ff00::', 8, 'ipv6'], // multicast
];

const forbidden = new BlockList();
for (const [network, prefix, family] of FORBIDDEN) forbidden.addSubnet(network, prefix, family);

/** The IPv4 address an IPv6 one embeds (mapped ::ffff:a.b.c.d or NAT64), else the address itself. */
function unwrap(address: string): { address: string; family: Family } {
  const lower = address.toLowerCase();
  if (isIP(lower) === 4) return { address: lower, family: 'ipv4' };
  const mapped = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(lower);
  if (mapped) {
    if (mapped[1]) return { address: mapped[1], family: 'ipv4' };
    const hi = parseInt(mapped[2]!, 16);
    const lo = parseInt(mapped[3]!, 16);
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
  }
  return { address: lower, family: 'ipv6' };
}

export interface NetworkPolicy {
  /**
   * Throws a NetworkPolicyError saying why when `url` may not be reached: not http(s), plain http in
   * production, or a host that is (or resolves to) a forbidden address. A name that does not
   * resolve now is let through: it cannot reach anything, and every connection is checked again.
   */
  checkUrl(url: string): Promise<void>;
  /** The part of checkUrl that needs no name resolution; throws the same way. */
  checkTarget(url: URL): void;
  /** For sockets: resolves `hostname` and refuses forbidden addresses (the connect-time check). */
  lookupFor(url: URL): LookupFunction;
  /** Lets one origin (scheme://host:port) through, e.g. the simulator this process serves. */
  allowOrigin(origin: string): void;
}

export function createNetworkPolicy(options: {
  /** PAIDSYNC_ALLOW_PRIVATE_HOSTS: names, IPs or CIDRs */
  allowPrivateHosts: readonly string[];
  /** plain http only to allowed private hosts */
  requireHttps: boolean;
  /** name resolution (tests give their own); dns.lookup by default */
  resolve?: ResolveHost;
}): NetworkPolicy {
  const resolve: ResolveHost = options.resolve ?? ((hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true }));
  const allowedNames = new Set<string>();
  const allowedAddresses = new BlockList();
  for (const entry of options.allowPrivateHosts) {
    const [network, prefix] = entry.split('/');
    const family = isIP(network ?? '');
    if (family && prefix !== undefined) allowedAddresses.addSubnet(network!, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    else if (family) allowedAddresses.addAddress(network!, family === 4 ? 'ipv4' : 'ipv6');
    else allowedNames.add(entry.toLowerCase());
  }
  const allowedOrigins = new Set<string>();

  const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  /** allowed whatever it resolves to: named in the list, or an allowed origin */
  const namedAllowed = (url: URL) => allowedNames.has(hostOf(url)) || allowedOrigins.has(url.origin);
  const listed = (address: string) => {
    const plain = unwrap(address);
    return allowedAddresses.check(plain.address, plain.family);
  };
  const addressAllowed = (address: string) => {
    const plain = unwrap(address);
    return listed(address) || !forbidden.check(plain.address, plain.family);
  };
  const refusal = (host: string, address: string) =>
    new NetworkPolicyError(
      `${host === address ? address : `${host} (${address})`} is a loopback, private, link-local or metadata address; ` +
        'destinations may only reach it when PAIDSYNC_ALLOW_PRIVATE_HOSTS names it',
    );

  /** What can be decided without resolving: scheme, https in production, an IP literal's range. */
  const checkTarget = (url: URL) => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NetworkPolicyError('must be an http(s) URL');
    if (url.username || url.password) throw new NetworkPolicyError('may not carry a user name or password; use the credentials');
    const host = hostOf(url);
    const literal = isIP(host) !== 0;
    if (literal && !namedAllowed(url) && !addressAllowed(host)) throw refusal(host, host);
    if (options.requireHttps && url.protocol !== 'https:' && !namedAllowed(url) && !(literal && listed(host))) {
      throw new NetworkPolicyError('must use https (plain http only to hosts PAIDSYNC_ALLOW_PRIVATE_HOSTS names)');
    }
  };

  return {
    checkTarget,
    async checkUrl(value) {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new NetworkPolicyError('is not a valid URL');
      }
      checkTarget(url);
      const host = hostOf(url);
      if (isIP(host) || namedAllowed(url)) return;
      let addresses: string[];
      try {
        addresses = (await resolve(host)).map((a) => a.address);
      } catch {
        return; // does not resolve now: nothing to reach; each connection is checked again
      }
      const bad = addresses.find((a) => !addressAllowed(a));
      if (bad) throw refusal(host, bad);
    },
    lookupFor(url) {
      const anyAddress = namedAllowed(url);
      return (hostname, lookupOptions, callback) => {
        resolve(hostname).then(
          (found) => {
            const bad = anyAddress ? undefined : found.find((a) => !addressAllowed(a.address));
            if (bad) return callback(Object.assign(refusal(hostname, bad.address), { code: 'EPOLICY' }), '', 0);
            const wanted =
              lookupOptions.family === 6 || lookupOptions.family === 'IPv6'
                ? 6
                : lookupOptions.family === 4 || lookupOptions.family === 'IPv4'
                  ? 4
                  : 0;
            const usable = wanted ? found.filter((a) => a.family === wanted) : found;
            if (!usable.length) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
            if (lookupOptions.all) return (callback as unknown as (e: null, a: typeof usable) => void)(null, usable);
            callback(null, usable[0]!.address, usable[0]!.family);
          },
          (error: NodeJS.ErrnoException) => callback(error, '', 0),
        );
      };
    },
    allowOrigin(origin) {
      allowedOrigins.add(new URL(origin).origin);
    },
  };
}

/** PAIDSYNC_ALLOW_PRIVATE_HOSTS entries: host names, IPs and CIDRs, comma-separated. */
export function isAllowListEntry(entry: string): boolean {
  const [network, prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const family = isIP(network ?? '');
  if (prefix !== undefined) return family !== 0 && /^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  return family !== 0 || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry);
}
