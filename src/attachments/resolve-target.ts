import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ConnectorError } from '../domain/errors.js';
import { checkAddress, type AddressPolicy } from './address-policy.js';

/** One address a host name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to every address it has. Injectable so tests never ask real DNS.
 *
 * @example const lookup: HostLookup = async () => [{ address: '127.0.0.1', family: 4 }];
 */
export type HostLookup = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

/** The system resolver (getaddrinfo, as node:http would use), every address in its own order. */
export const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

const allowedProtocols = new Set(['http:', 'https:']);

/**
 * Parses an attachment address: unparsable → VALIDATION_ERROR, anything but http(s) →
 * ATTACHMENT_URL_FORBIDDEN. WHATWG parsing turns odd numeric hosts (`2130706433`, `0x7f.1`,
 * `017700000001`) into dotted IPv4, so the address policy sees them as what they are.
 *
 * @example parseAttachmentUrl('https://files.example.com/a.pdf').hostname // 'files.example.com'
 */
export function parseAttachmentUrl(url: string, base?: URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    throw new ConnectorError('VALIDATION_ERROR', `"${truncate(url)}" is not a valid URL`, { url: truncate(url) });
  }
  if (!allowedProtocols.has(parsed.protocol)) {
    throw new ConnectorError('ATTACHMENT_URL_FORBIDDEN', `attachments are fetched over http or https only, not ${parsed.protocol}`, {
      url: redactUrl(parsed),
      reason: 'protocol',
      protocol: parsed.protocol,
    });
  }
  return parsed;
}

/**
 * The URL as it may appear in errors and results: without user name and password.
 *
 * @example redactUrl(new URL('https://user:secret@host/a')) // 'https://host/a'
 */
export function redactUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/**
 * Every address the URL's host stands for, each checked against the policy. Any refused address
 * refuses the whole host (ATTACHMENT_URL_FORBIDDEN): a name that also points inside the network is
 * not trusted. The caller must connect only to the returned addresses.
 */
export async function resolveAllowedAddresses(
  url: URL,
  policy: AddressPolicy,
  lookup: HostLookup,
): Promise<ResolvedAddress[]> {
  const host = hostOf(url);
  const addresses = await addressesOf(host, url, lookup);
  for (const { address } of addresses) {
    const verdict = checkAddress(address, policy);
    if (!verdict.allowed) {
      throw new ConnectorError(
        'ATTACHMENT_URL_FORBIDDEN',
        `${redactUrl(url)} leads to a ${verdict.category} address (${verdict.address}), which attachments may not be fetched from`,
        { url: redactUrl(url), host, address: verdict.address, category: verdict.category, reason: 'address' },
      );
    }
  }
  return addresses;
}

async function addressesOf(host: string, url: URL, lookup: HostLookup): Promise<ResolvedAddress[]> {
  const literal = isIP(host);
  if (literal !== 0) return [{ address: host, family: literal === 6 ? 6 : 4 }];
  // RFC 6761: localhost names are loopback whatever a resolver says, so DNS is not asked
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
  }
  let answers: readonly { address: string; family: number }[];
  try {
    answers = await lookup(host);
  } catch (error) {
    throw new ConnectorError('ATTACHMENT_FETCH_FAILED', `the host of ${redactUrl(url)} could not be resolved`, {
      url: redactUrl(url),
      host,
      reason: 'dns',
      error: (error as NodeJS.ErrnoException).code ?? String(error),
    }, { cause: error });
  }
  const resolved = answers.map(({ address }) => ({ address, family: isIP(address) === 6 ? 6 : 4 }) as const);
  if (resolved.length === 0) {
    throw new ConnectorError('ATTACHMENT_FETCH_FAILED', `the host of ${redactUrl(url)} has no address`, {
      url: redactUrl(url),
      host,
      reason: 'dns',
    });
  }
  return resolved;
}

/** The host without IPv6 brackets and without the trailing dot of a fully qualified name. */
function hostOf(url: URL): string {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
