import { dkimDnsRecord, type DkimAlgorithm } from '../dkim/keys.ts';

/**
 * The DNS records a domain publishes for the relay, ready to copy: name, type and value.
 * `required` records decide whether the domain is verified (DKIM and the return path);
 * the others are recommendations (SPF at the root, DMARC) that the check still reports.
 */
export type RecordPurpose = 'dkim' | 'return_path_mx' | 'return_path_spf' | 'spf' | 'dmarc' | 'tracking_cname';

export interface DomainRecord {
  purpose: RecordPurpose;
  name: string;
  type: 'TXT' | 'MX' | 'CNAME';
  value: string;
  /** MX only. */
  priority?: number;
  required: boolean;
  /** DKIM only. */
  selector?: string;
  algorithm?: DkimAlgorithm;
  keyId?: string;
}

export interface SenderIdentity {
  /** MX target of every return-path subdomain (RELAY_INBOUND_HOST or RELAY_HOSTNAME). */
  inboundHost: string;
  /** RELAY_SENDING_IPS. */
  sendingIps: string[];
  /** RELAY_SPF_INCLUDE. */
  spfInclude?: string | undefined;
  /** RELAY_HOSTNAME: named as `a:` when neither IPs nor an include are configured. */
  hostname: string;
  /** The host of RELAY_PUBLIC_URL: what a domain's tracking host is a CNAME of. */
  trackingTarget?: string | undefined;
}

export interface DomainKeys {
  id: string;
  selector: string;
  algorithm: DkimAlgorithm;
  public_key: string;
  /** A retired key's record stays listed (not required) until it may be removed. */
  retired_at?: number | null;
  active?: boolean;
}

/**
 * Whether a key's record decides verification: a signing key's, and a new domain's first
 * keys'. A rotation key (another key of its algorithm signs) is optional until it is
 * switched to, so adding one never makes a verified domain fail; a retired key's is optional.
 */
function recordRequired(key: DomainKeys, keys: DomainKeys[]): boolean {
  if (key.retired_at) return false;
  return Boolean(key.active) || !keys.some((k) => k.algorithm === key.algorithm && k.active);
}

/** The SPF mechanisms that authorize the relay's senders, e.g. `ip4:192.0.2.10 include:_spf.relay.example`. */
export function relayMechanisms(identity: SenderIdentity): string[] {
  const mechanisms = identity.sendingIps.map((ip) => (ip.includes(':') ? `ip6:${ip}` : `ip4:${ip}`));
  if (identity.spfInclude) mechanisms.push(`include:${identity.spfInclude}`);
  if (mechanisms.length === 0) mechanisms.push(`a:${identity.hostname}`);
  return mechanisms;
}

export function returnPathHost(domain: string, label: string): string {
  return `${label}.${domain}`;
}

/**
 * Every record for a domain. The return path gets `-all`: nothing but the relay ever uses
 * that subdomain as envelope sender. The root SPF is only a suggestion with `~all`, because
 * the root usually has senders of its own (see verify.ts, which proposes a merge instead
 * when a record already exists).
 */
export function domainRecords(domain: string, returnPathLabel: string, keys: DomainKeys[], identity: SenderIdentity, dmarcRua: string | null = null, trackingHost: string | null = null): DomainRecord[] {
  const mechanisms = relayMechanisms(identity).join(' ');
  const rpHost = returnPathHost(domain, returnPathLabel);
  const records: DomainRecord[] = keys.map((key) => ({
    purpose: 'dkim' as const,
    ...dkimDnsRecord(domain, key.selector, key.algorithm, key.public_key),
    required: recordRequired(key, keys),
    selector: key.selector,
    algorithm: key.algorithm,
    keyId: key.id,
  }));
  records.push(
    { purpose: 'return_path_mx', name: rpHost, type: 'MX', value: identity.inboundHost, priority: 10, required: true },
    { purpose: 'return_path_spf', name: rpHost, type: 'TXT', value: `v=spf1 ${mechanisms} -all`, required: true },
    { purpose: 'spf', name: domain, type: 'TXT', value: `v=spf1 ${mechanisms} ~all`, required: false },
    // p=none first: reports without consequences until the owner trusts every sender.
    { purpose: 'dmarc', name: `_dmarc.${domain}`, type: 'TXT', value: dmarcRua ? `v=DMARC1; p=none; rua=mailto:${dmarcRua}` : 'v=DMARC1; p=none', required: false },
  );
  // Optional: tracked links on the domain's own host look like the sender's, not the relay's.
  if (trackingHost && identity.trackingTarget) records.push({ purpose: 'tracking_cname', name: trackingHost, type: 'CNAME', value: identity.trackingTarget, required: false });
  return records;
}
