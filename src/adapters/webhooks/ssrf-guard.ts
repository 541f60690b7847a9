import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { WebhookUrlGuard } from '../../application/integrations/ports/webhook-transport';
import { WebhookUrlForbiddenError } from '../../domain/integrations/webhook.errors';
import { MAX_WEBHOOK_URL_LENGTH } from '../../domain/integrations/webhook-endpoint';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Name resolution, replaceable in tests (a name that resolves to a private address). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** How long a name may take to resolve before the URL is refused. */
const DNS_TIMEOUT_MS = 5000;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`resolving ${hostname} timed out`)), DNS_TIMEOUT_MS);
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(addresses.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 })));
    });
  });

/**
 * Addresses that are not on the public internet: webhooks to them could reach the service's
 * own network. IPv6 addresses that carry an IPv4 address (mapped ::ffff:0:0/96, NAT64
 * 64:ff9b::/96, 6to4 2002::/16) are judged by that IPv4 address instead (embeddedIpv4): a
 * BlockList rule for those prefixes would also match every plain IPv4 address.
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback (::1) and the deprecated IPv4-compatible block
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo included)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4), if any. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) return wordsToIpv4(hex[1]!, hex[2]!);
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lower);
  if (sixToFour) return wordsToIpv4(sixToFour[1]!, sixToFour[2]!);
  return null;
}

function wordsToIpv4(high: string, low: string): string {
  const a = parseInt(high, 16);
  const b = parseInt(low, 16);
  return `${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
}

/** Why the address must not be called, or null when it is public. */
export function forbiddenAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 6) {
    const inner = embeddedIpv4(address);
    if (inner !== null) {
      const reason = forbiddenAddressReason(inner);
      return reason && `${address} carries ${inner}: ${reason}`;
    }
    return NOT_PUBLIC.check(address, 'ipv6') ? `${address} is not a public address` : null;
  }
  return NOT_PUBLIC.check(address, 'ipv4') ? `${address} is not a public address` : null;
}

/**
 * The SSRF guard: a webhook URL must be https and every address its host resolves to public
 * (not loopback, private, link-local, unique-local, mapped onto one of those...). With
 * `allowPrivate` (WEBHOOK_ALLOW_PRIVATE, tests and local development) anything http(s) passes.
 */
export class SsrfGuard implements WebhookUrlGuard {
  constructor(
    private readonly allowPrivate: boolean,
    private readonly resolve: Resolver = systemResolver,
  ) {}

  async assertAllowed(url: string): Promise<void> {
    await this.resolveAllowed(url);
  }

  /** The URL's addresses, each checked; throws WebhookUrlForbiddenError. The sender connects only to these. */
  async resolveAllowed(url: string): Promise<ResolvedAddress[]> {
    const parsed = parseWebhookUrl(url, this.allowPrivate);
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    const literal = isIP(host);
    let addresses: ResolvedAddress[];
    if (literal !== 0) {
      addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
    } else {
      try {
        addresses = await this.resolve(host);
      } catch {
        throw new WebhookUrlForbiddenError(`${host} does not resolve`);
      }
      if (addresses.length === 0) throw new WebhookUrlForbiddenError(`${host} does not resolve`);
    }
    if (!this.allowPrivate) {
      for (const { address } of addresses) {
        const reason = forbiddenAddressReason(address);
        if (reason)
          throw new WebhookUrlForbiddenError(
            literal ? reason : `${host} resolves to ${reason.replace(/^\S+ /, `${address} `)}`,
          );
      }
    }
    return addresses;
  }
}

function parseWebhookUrl(url: string, allowPrivate: boolean): URL {
  if (url.length > MAX_WEBHOOK_URL_LENGTH) throw new WebhookUrlForbiddenError('the URL is too long');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookUrlForbiddenError('not an absolute URL');
  }
  const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(parsed.protocol)) throw new WebhookUrlForbiddenError(`only ${schemes.join(' and ')} URLs`);
  // Credentials in a URL would be shown in every listing and log that names it.
  if (parsed.username || parsed.password) throw new WebhookUrlForbiddenError('no user or password in the URL');
  if (!parsed.hostname) throw new WebhookUrlForbiddenError('no host');
  return parsed;
}
