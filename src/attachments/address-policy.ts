import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses an attachment may be fetched from. A URL given by a process designer must not
 * reach the connector's own network (cloud metadata, databases, admin consoles), so every address
 * is classified before any connection and only public unicast addresses pass by default.
 */

/** What an IP address is, as far as fetching from it is concerned. */
export type AddressCategory =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'unique-local'
  | 'carrier-grade-nat'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'invalid';

export interface AddressPolicy {
  /** Also allow private, loopback, link-local, unique-local and carrier-grade NAT addresses. */
  allowPrivateAddresses?: boolean;
  /**
   * Exceptions on top of the policy: an address this accepts is allowed whatever its category
   * (for an operator's allow-list of internal hosts, and for tests).
   */
  allowAddress?: (address: string, category: AddressCategory) => boolean;
}

export interface AddressVerdict {
  address: string;
  category: AddressCategory;
  allowed: boolean;
}

/**
 * What `allowPrivateAddresses` opens up. Unspecified, multicast, broadcast and reserved addresses
 * stay refused: no file server sensibly listens there.
 */
const privateCategories: ReadonlySet<AddressCategory> = new Set([
  'private',
  'loopback',
  'link-local',
  'unique-local',
  'carrier-grade-nat',
]);

const ipv4Categories: Readonly<Record<string, AddressCategory>> = {
  unicast: 'public',
  private: 'private',
  loopback: 'loopback',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade-nat',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
};

const ipv6Categories: Readonly<Record<string, AddressCategory>> = {
  unicast: 'public',
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  unspecified: 'unspecified',
  multicast: 'multicast',
  // fec0::/10, deprecated but still routed inside some networks
  deprecatedSiteLocal: 'private',
};

/** The only IPv6 block IANA hands out as global unicast; everything outside it is special. */
const globalUnicastIPv6 = ipaddr.IPv6.parseCIDR('2000::/3');
const nat64WellKnown = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const sixToFour = ipaddr.IPv6.parseCIDR('2002::/16');

/**
 * Classifies an IP address (v4 or v6, as DNS returns it or a URL spells it, brackets allowed).
 * IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64 64:ff9b::/96, 6to4) take the category
 * of the IPv4 address they carry.
 *
 * @example classifyAddress('169.254.169.254') // 'link-local'
 * @example classifyAddress('::ffff:7f00:1') // 'loopback'
 */
export function classifyAddress(address: string): AddressCategory {
  const text = stripBrackets(address);
  // isIP is strict (dotted decimal only), unlike ipaddr's parser that also takes 0x7f.1 and friends
  const version = isIP(text);
  if (version === 4) return classifyIPv4(ipaddr.IPv4.parse(text));
  if (version === 6) return classifyIPv6(ipaddr.IPv6.parse(text));
  return 'invalid';
}

/**
 * Decides whether an address may be connected to.
 *
 * @example checkAddress('10.0.0.1', {}) // { address: '10.0.0.1', category: 'private', allowed: false }
 */
export function checkAddress(address: string, policy: AddressPolicy = {}): AddressVerdict {
  const category = classifyAddress(address);
  const allowed =
    category === 'public' ||
    (policy.allowPrivateAddresses === true && privateCategories.has(category)) ||
    (category !== 'invalid' && policy.allowAddress?.(stripBrackets(address), category) === true);
  return { address: stripBrackets(address), category, allowed };
}

/** @example isAddressAllowed('8.8.8.8') // true */
export function isAddressAllowed(address: string, policy: AddressPolicy = {}): boolean {
  return checkAddress(address, policy).allowed;
}

function classifyIPv4(ip: ipaddr.IPv4): AddressCategory {
  return ipv4Categories[ip.range()] ?? 'reserved';
}

function classifyIPv6(ip: ipaddr.IPv6): AddressCategory {
  const embedded = embeddedIPv4(ip);
  if (embedded !== undefined) return classifyIPv4(embedded);
  const category = ipv6Categories[ip.range()] ?? 'reserved';
  if (category === 'public' && !ip.match(globalUnicastIPv6)) return 'reserved';
  return category;
}

/** The IPv4 address an IPv6 address stands for, when it is one of the translation forms. */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address();
  const [, p1 = 0, p2 = 0, , , , p6 = 0, p7 = 0] = ip.parts;
  if (ip.match(nat64WellKnown)) return ipv4FromParts(p6, p7);
  if (ip.match(sixToFour)) return ipv4FromParts(p1, p2);
  return undefined;
}

function ipv4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function stripBrackets(address: string): string {
  return address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
}
