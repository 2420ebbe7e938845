import type { DnsError, DnsResolver } from '../dns/resolver.ts';
import { analyzeSpf, parseSpf, type SpfAnalysis } from './spf.ts';
import { domainRecords, relayMechanisms, type DomainKeys, type DomainRecord, type SenderIdentity } from './records.ts';

/**
 * ok: published as asked. missing: nothing there. mismatched: something else is there
 * (`found` says what). error: published, but broken in a way receivers reject (two SPF
 * records, too many lookups). unknown: DNS did not answer; nothing can be concluded, and a
 * verified domain stays verified.
 */
export type RecordStatus = 'ok' | 'missing' | 'mismatched' | 'error' | 'unknown';

export interface RecordCheck extends DomainRecord {
  status: RecordStatus;
  /** What DNS returned at that name for that type. */
  found: string[];
  message: string;
}

export interface DomainCheck {
  /** DKIM (every key of the domain) and the return path (MX and SPF) are all ok. */
  verified: boolean;
  records: RecordCheck[];
  /** Keys whose records were seen: they may sign. */
  verifiedKeyIds: string[];
}

const hostname = (name: string) => name.toLowerCase().replace(/\.$/, '');

function lookupFailed(error: DnsError): { status: RecordStatus; message: string } {
  if (error.code === 'servfail') return { status: 'unknown', message: `The DNS lookup of ${error.name} failed (${error.cause}); try again later` };
  return { status: 'missing', message: `No record at ${error.name} yet` };
}

/** Tags of a DKIM key record (`v=DKIM1; k=rsa; p=…`), whitespace removed from values. */
function dkimTags(value: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

async function checkDkim(record: DomainRecord, resolver: DnsResolver): Promise<RecordCheck> {
  const answer = await resolver.resolveTxt(record.name);
  if (!answer.ok) return { ...record, found: [], ...lookupFailed(answer.error) };
  const found = answer.value;
  const expected = dkimTags(record.value);
  const keyRecords = found.filter((value) => dkimTags(value).has('p'));
  const matches = keyRecords.some((value) => {
    const tags = dkimTags(value);
    return tags.get('p') === expected.get('p') && (tags.get('k') ?? 'rsa') === record.algorithm;
  });
  if (matches) return { ...record, status: 'ok', found, message: 'Published' };
  if (keyRecords.length === 0) return { ...record, status: 'missing', found, message: `No DKIM key record at ${record.name} yet` };
  return { ...record, status: 'mismatched', found, message: `The DKIM record at ${record.name} holds a different key; publish the value shown` };
}

async function checkReturnPathMx(record: DomainRecord, resolver: DnsResolver): Promise<RecordCheck> {
  const answer = await resolver.resolveMx(record.name);
  if (!answer.ok) return { ...record, found: [], ...lookupFailed(answer.error) };
  const found = answer.value.map((mx) => `${mx.priority} ${hostname(mx.exchange)}`);
  if (answer.value.some((mx) => hostname(mx.exchange) === hostname(record.value))) {
    return { ...record, status: 'ok', found, message: 'Published' };
  }
  return { ...record, status: 'mismatched', found, message: `${record.name} has MX ${found.join(', ')}; bounces must go to ${record.value}` };
}

/** Whether the SPF analysis authorizes every one of the relay's mechanisms. */
function authorizesRelay(analysis: SpfAnalysis, identity: SenderIdentity): boolean {
  const top = parseSpf(analysis.records[0] ?? '');
  return relayMechanisms(identity).every((mechanism) => {
    const [kind, value] = [mechanism.slice(0, mechanism.indexOf(':')), mechanism.slice(mechanism.indexOf(':') + 1).toLowerCase()];
    if (kind === 'ip4' || kind === 'ip6') return analysis.ips.some((ip) => ip.toLowerCase() === value);
    if (kind === 'include') return analysis.includes.includes(value);
    return top.ok && top.terms.some((t) => t.kind === 'a' && t.qualifier !== '-' && (t.value ?? '').toLowerCase() === value);
  });
}

/** The owner's record with the relay's mechanisms added before its final `all` (or redirect). */
export function mergedSpf(existing: string, identity: SenderIdentity): string {
  const tokens = existing.trim().split(/\s+/);
  const end = tokens.findIndex((t) => /^[-+~?]?all$/i.test(t) || /^redirect=/i.test(t));
  const at = end === -1 ? tokens.length : end;
  const missing = relayMechanisms(identity).filter((m) => !tokens.some((t) => t.toLowerCase() === m.toLowerCase()));
  return [...tokens.slice(0, at), ...missing, ...tokens.slice(at)].join(' ');
}

async function checkSpf(record: DomainRecord, resolver: DnsResolver, identity: SenderIdentity): Promise<RecordCheck> {
  const analysis = await analyzeSpf(record.name, resolver);
  const found = analysis.records;
  if (analysis.status === 'missing') return { ...record, status: 'missing', found, message: `No SPF record at ${record.name} yet` };
  if (analysis.status === 'error') {
    // Only failed lookups: nothing is known to be wrong yet.
    const temporary = analysis.problems.every((p) => p.code === 'lookup_failed');
    return { ...record, status: temporary ? 'unknown' : 'error', found, message: analysis.problems.map((p) => p.message).join('; ') };
  }
  if (authorizesRelay(analysis, identity)) return { ...record, status: 'ok', found, message: 'Published' };
  // At the root the owner has other senders: suggest their record with ours merged in.
  const value = record.purpose === 'spf' ? mergedSpf(found[0]!, identity) : record.value;
  return { ...record, value, status: 'mismatched', found, message: `The SPF record of ${record.name} does not authorize the relay; publish the value shown` };
}

async function checkDmarc(record: DomainRecord, resolver: DnsResolver): Promise<RecordCheck> {
  const answer = await resolver.resolveTxt(record.name);
  if (!answer.ok) return { ...record, found: [], ...lookupFailed(answer.error) };
  const found = answer.value.filter((v) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(v));
  if (found.length === 0) return { ...record, status: 'missing', found: answer.value, message: `No DMARC record at ${record.name} yet; start with p=none` };
  if (found.length > 1) return { ...record, status: 'error', found, message: `${record.name} has ${found.length} DMARC records; receivers ignore them all (RFC 7489 §6.6.3): keep one` };
  return { ...record, status: 'ok', found, message: 'Published' };
}

async function checkCname(record: DomainRecord, resolver: DnsResolver): Promise<RecordCheck> {
  const answer = await resolver.resolveCname(record.name);
  if (!answer.ok) return { ...record, found: [], ...lookupFailed(answer.error) };
  const found = answer.value.map(hostname);
  if (found.includes(hostname(record.value))) return { ...record, status: 'ok', found, message: 'Published' };
  return { ...record, status: 'mismatched', found, message: `${record.name} is an alias of ${found.join(', ')}; tracked links need it to point at ${record.value}` };
}

/** Checks every record of a domain live, through the relay's configured resolvers. */
export async function checkDomain(domain: string, returnPathLabel: string, keys: DomainKeys[], identity: SenderIdentity, resolver: DnsResolver, dmarcRua: string | null = null, trackingHost: string | null = null): Promise<DomainCheck> {
  const records = domainRecords(domain, returnPathLabel, keys, identity, dmarcRua, trackingHost);
  const checks = await Promise.all(records.map((record) => {
    switch (record.purpose) {
      case 'dkim': return checkDkim(record, resolver);
      case 'return_path_mx': return checkReturnPathMx(record, resolver);
      case 'return_path_spf': return checkSpf(record, resolver, identity);
      case 'spf': return checkSpf(record, resolver, identity);
      case 'dmarc': return checkDmarc(record, resolver);
      case 'tracking_cname': return checkCname(record, resolver);
    }
  }));
  const hasKeys = keys.length > 0;
  return {
    verified: hasKeys && checks.filter((c) => c.required).every((c) => c.status === 'ok'),
    records: checks,
    verifiedKeyIds: checks.filter((c) => c.purpose === 'dkim' && c.status === 'ok').map((c) => c.keyId!),
  };
}

