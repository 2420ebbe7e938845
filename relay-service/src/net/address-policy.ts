import { addressBytes, cidrContains, type Cidr } from './cidr.ts';

/**
 * Which IP addresses the relay may open outbound HTTP connections to (webhooks): an
 * account-supplied URL must not reach the relay's own machine, its private network or the
 * cloud metadata service (SSRF). Public addresses always; loopback and private ranges only
 * when the operator allows them (WordPress next to the relay); link-local (metadata),
 * multicast, unspecified and reserved ranges never.
 */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'reserved';

function range(text: string, kind: Exclude<AddressClass, 'public'>): { cidr: Cidr; kind: Exclude<AddressClass, 'public'> } {
  const [address, prefix] = text.split('/') as [string, string];
  const bytes = addressBytes(address)!;
  return { cidr: { text, family: bytes.length === 4 ? 4 : 6, bytes, prefix: Number(prefix) }, kind };
}

// Most specific first: the metadata address inside fc00::/7 must be found as link-local.
const RANGES = [
  range('fd00:ec2::254/128', 'link_local'), // AWS metadata over IPv6
  range('0.0.0.0/8', 'reserved'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'private'), // carrier-grade NAT
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link_local'), // includes 169.254.169.254, the metadata service
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'reserved'),
  range('192.0.2.0/24', 'reserved'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'reserved'),
  range('198.51.100.0/24', 'reserved'),
  range('203.0.113.0/24', 'reserved'),
  range('224.0.0.0/4', 'reserved'), // multicast
  range('240.0.0.0/4', 'reserved'), // includes 255.255.255.255
  range('::/128', 'reserved'),
  range('::1/128', 'loopback'),
  range('fc00::/7', 'private'),
  range('fe80::/10', 'link_local'),
  range('ff00::/8', 'reserved'),
  range('2001:db8::/32', 'reserved'),
];

// IPv6 forms that carry an IPv4 address inside: judge the IPv4 address (NAT64, 6to4).
const EMBEDDING = [{ cidr: range('64:ff9b::/96', 'reserved').cidr, offset: 12 }, { cidr: range('2002::/16', 'reserved').cidr, offset: 2 }];

export function classifyAddress(address: string): AddressClass {
  const bytes = addressBytes(address);
  if (!bytes) return 'reserved';
  if (bytes.length === 16) {
    for (const e of EMBEDDING) {
      if (cidrContains(e.cidr, address)) return classifyAddress([...bytes.subarray(e.offset, e.offset + 4)].join('.'));
    }
  }
  return RANGES.find((r) => cidrContains(r.cidr, address))?.kind ?? 'public';
}

export type OutboundVerdict = { ok: true } | { ok: false; reason: string };

export function outboundAllowed(address: string, options: { allowPrivate: boolean }): OutboundVerdict {
  const kind = classifyAddress(address);
  if (kind === 'public') return { ok: true };
  if ((kind === 'loopback' || kind === 'private') && options.allowPrivate) return { ok: true };
  const why = { loopback: 'a loopback address', private: 'a private network address', link_local: 'a link-local address (cloud metadata lives there)', reserved: 'a reserved or non-unicast address' }[kind];
  const hint = kind === 'loopback' || kind === 'private' ? ' (the operator can allow private networks with RELAY_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true)' : '';
  return { ok: false, reason: `${address} is ${why}${hint}` };
}
