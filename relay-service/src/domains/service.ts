import { RelayError } from '../errors.ts';
import { createDnsResolver, type DnsResolver } from '../dns/resolver.ts';
import type { RelayConfig } from '../config/load.ts';
import { defaultSelector, generateDkimKeyPair, type DkimAlgorithm } from '../dkim/keys.ts';
import type { Store } from '../store/index.ts';
import type { Domain, DkimKeyRecord } from '../store/domains.ts';
import { normalizeDomainName } from './names.ts';
import { normalizePattern } from '../store/suppressions.ts';
import { domainRecords, returnPathHost, type SenderIdentity } from './records.ts';
import { checkDomain, type DomainCheck } from './verify.ts';
import { runPreflight } from './preflight.ts';
import type { Verp } from './verp.ts';

import { isoTime as iso } from '../iso-time.ts';
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// Both selectors from the start: receivers that know Ed25519 (RFC 8463) check it, the rest
// fall back to RSA, and dual signing is in place before anyone needs it.
const NEW_DOMAIN_ALGORITHMS: DkimAlgorithm[] = ['rsa', 'ed25519'];

/** pending: never passed a check; verified: the last check passed; failing: it passed once, the last check did not. */
export type DomainStatus = 'pending' | 'verified' | 'failing';

export interface DomainServiceDeps {
  store: Store;
  resolver: DnsResolver;
  identity: SenderIdentity;
  /** RELAY_RETURN_PATH_SUBDOMAIN. */
  defaultReturnPath: string;
  /** RELAY_DKIM_RETIRE_GRACE: how long a retired key's record must stay published. */
  retireGraceMs: number;
  /** For preflight: the VERP signer real mail uses, and the resolvers mailauth asks. */
  verp?: Verp;
  dnsServers?: string[];
}

/** pending: record not seen yet; ready: seen, another key signs; signing; retired: replaced by a rotation. */
export type KeyState = 'pending' | 'ready' | 'signing' | 'retired';

function keyState(key: DkimKeyRecord): KeyState {
  if (key.active) return 'signing';
  if (key.retired_at) return 'retired';
  return key.verified_at ? 'ready' : 'pending';
}

/**
 * Domains as a site owner sees them: adding one (with its DKIM keys and return path), the
 * records to publish, and the live check that verifies them. Used by the account API, the
 * admin API and, later, periodic re-verification.
 */
export function createDomainService(deps: DomainServiceDeps) {
  const label = (domain: Domain) => domain.return_path ?? deps.defaultReturnPath;

  function lastCheck(domain: Domain): DomainCheck | null {
    return domain.check_result ? (JSON.parse(domain.check_result) as DomainCheck) : null;
  }

  function status(domain: Domain): DomainStatus {
    if (lastCheck(domain)?.verified) return 'verified';
    return domain.verified_at ? 'failing' : 'pending';
  }

  async function describe(domain: Domain) {
    const keys = await deps.store.domains.listDkimKeys(domain.id);
    const check = lastCheck(domain);
    // The records as they stand now (keys may have changed since), each with its result from
    // the last check when that check covered it.
    const checked = new Map((check?.records ?? []).map((r) => [`${r.purpose} ${r.name} ${r.selector ?? ''}`, r]));
    const records = domainRecords(domain.name, label(domain), keys, deps.identity, domain.dmarc_rua, domain.tracking_host).map((r) => {
      const last = checked.get(`${r.purpose} ${r.name} ${r.selector ?? ''}`);
      return last ? { ...last, required: r.required } : { ...r, status: 'unchecked' as const, found: [], message: 'Not checked yet' };
    });
    return {
      id: domain.id,
      name: domain.name,
      return_path: returnPathHost(domain.name, label(domain)),
      tracking_host: domain.tracking_host,
      status: status(domain),
      verified_at: iso(domain.verified_at),
      last_checked_at: iso(domain.last_checked_at),
      created_at: iso(domain.created_at),
      dkim_keys: keys.map((k: DkimKeyRecord) => ({
        selector: k.selector, algorithm: k.algorithm, state: keyState(k), signing: k.active, verified_at: iso(k.verified_at), created_at: iso(k.created_at),
        retired_at: iso(k.retired_at),
        // Until then messages signed with the key may still be verified by receivers.
        remove_record_after: k.retired_at ? iso(k.retired_at + deps.retireGraceMs) : null,
      })),
      records: records.map(({ keyId: _internal, ...r }) => r),
    };
  }

  async function ownedDomain(accountId: string, id: string): Promise<Domain> {
    const domain = await deps.store.domains.getForAccount(accountId, id);
    if (!domain) throw new RelayError('not_found', 'No such domain');
    return domain;
  }

  async function ownedKey(domain: Domain, selector: string): Promise<DkimKeyRecord> {
    const key = (await deps.store.domains.listDkimKeys(domain.id)).find((k) => k.selector === selector);
    if (!key) throw new RelayError('not_found', 'No such DKIM key', 'selector');
    return key;
  }

  return {
    describe,

    /** Adds a domain (IDN accepted) with pending RSA and Ed25519 keys; another account's domain is refused like any unavailable name. */
    async create(accountId: string, input: { domain: string; returnPath?: string | undefined; dmarcReportAddress?: string | undefined }, now = Date.now()) {
      const name = normalizeDomainName(input.domain);
      if (!name.ok) throw new RelayError('validation_failed', name.message, 'domain');
      const returnPath = input.returnPath?.trim().toLowerCase();
      if (returnPath !== undefined && !DNS_LABEL.test(returnPath)) {
        throw new RelayError('validation_failed', 'return_path must be a single DNS label such as "bounces"', 'return_path');
      }
      let dmarcRua: string | null = null;
      if (input.dmarcReportAddress !== undefined) {
        const address = normalizePattern(input.dmarcReportAddress);
        if (!address.ok || address.pattern.startsWith('*@')) {
          throw new RelayError('validation_failed', 'dmarc_report_address must be an email address', 'dmarc_report_address');
        }
        dmarcRua = address.pattern;
      }
      const result = await deps.store.domains.add(accountId, name.value, now, { returnPath: returnPath ?? deps.defaultReturnPath, dmarcRua });
      // The same answer whoever owns it: no information about other accounts leaks.
      if (!result.ok) throw new RelayError('conflict', 'This domain cannot be added to this account', 'domain');
      if (result.created) {
        for (const algorithm of NEW_DOMAIN_ALGORITHMS) {
          const pair = generateDkimKeyPair(algorithm);
          await deps.store.domains.addPendingDkimKey(result.domain.id, { selector: defaultSelector(algorithm, now), algorithm, privateKeyPem: pair.privateKeyPem, publicKey: pair.publicKey }, now);
        }
      }
      return { created: result.created, domain: await describe(result.domain) };
    },

    async get(accountId: string, id: string) {
      return describe(await ownedDomain(accountId, id));
    },

    /** Rotation, step 1: a new pending key (new selector) to publish beside the signing one. */
    async addKey(accountId: string, id: string, algorithm: DkimAlgorithm, now = Date.now()) {
      const domain = await ownedDomain(accountId, id);
      const taken = new Set((await deps.store.domains.listDkimKeys(domain.id)).map((k) => k.selector));
      const base = defaultSelector(algorithm, now);
      let selector = base;
      // A second rotation in one month: rpr202611, rpr202611b, rpr202611c, ...
      for (let i = 1; taken.has(selector); i++) selector = `${base}${String.fromCharCode(97 + i)}`;
      const pair = generateDkimKeyPair(algorithm);
      await deps.store.domains.addPendingDkimKey(domain.id, { selector, algorithm, privateKeyPem: pair.privateKeyPem, publicKey: pair.publicKey }, now);
      return describe(domain);
    },

    /** Rotation, step 2 (after publishing and verifying): the key signs, the previous one retires. */
    async activateKey(accountId: string, id: string, selector: string, now = Date.now()) {
      const domain = await ownedDomain(accountId, id);
      const key = await ownedKey(domain, selector);
      if (!key.verified_at) {
        throw new RelayError('conflict', `Publish ${selector}._domainkey.${domain.name} and verify the domain before this key signs`, 'selector');
      }
      if (!key.active) await deps.store.domains.switchSigning(domain.id, selector, now);
      return describe(domain);
    },

    /** Rotation, last step: forget a key that no longer signs (its DNS record can go after the grace period). */
    async deleteKey(accountId: string, id: string, selector: string) {
      const domain = await ownedDomain(accountId, id);
      const key = await ownedKey(domain, selector);
      if (key.active) throw new RelayError('conflict', `This key signs for ${domain.name}; switch signing to another key first`, 'selector');
      await deps.store.domains.deleteKey(domain.id, selector);
      return describe(domain);
    },

    async list(accountId: string) {
      return Promise.all((await deps.store.domains.listForAccount(accountId)).map(describe));
    },

    /**
     * Deletes a domain; refused while mail From it is still queued (its bounces would come
     * back to a return path about to disappear), unless forced.
     */
    async delete(accountId: string, id: string, options: { force?: boolean } = {}) {
      const domain = await ownedDomain(accountId, id);
      const queued = await deps.store.domains.queuedCount(accountId, domain.name);
      if (queued > 0 && !options.force) {
        throw new RelayError('conflict', `${queued} recipient${queued === 1 ? ' is' : 's are'} still queued for mail from ${domain.name}; wait for delivery or delete with force=true`);
      }
      await deps.store.domains.delete(domain.id);
    },

    /** Authenticates a sample message as a receiver would (domains/preflight.ts). */
    async preflight(accountId: string, id: string) {
      const domain = await ownedDomain(accountId, id);
      if (!deps.verp) throw new RelayError('unavailable', 'Preflight is not available here');
      let ip = deps.identity.sendingIps[0];
      if (!ip) {
        const a = await deps.resolver.resolve4(deps.identity.hostname);
        if (!a.ok || a.value.length === 0) {
          throw new RelayError('unavailable', `Set RELAY_SENDING_IPS (or an A record for ${deps.identity.hostname}): the preflight needs the address the relay sends from`);
        }
        ip = a.value[0]!;
      }
      const state = await deps.store.domains.sendingState(accountId, domain.name);
      return runPreflight({
        domain: domain.name,
        keys: await deps.store.domains.signingKeys(accountId, domain.name),
        returnPath: state.returnPath,
        verp: deps.verp,
        ip,
        helo: deps.identity.hostname,
        dnsServers: deps.dnsServers ?? [],
      });
    },

    /**
     * Sets the domain's own host for tracked links: a name under the domain
     * (`track.shop.example`) that the owner points at the relay with a CNAME. It is used once
     * a check has seen the CNAME; until then links use RELAY_PUBLIC_URL. null removes it.
     */
    async setTrackingHost(accountId: string, id: string, input: unknown) {
      const domain = await ownedDomain(accountId, id);
      if (!deps.identity.trackingTarget) throw new RelayError('unavailable', 'Set RELAY_PUBLIC_URL to the relay\'s public address before giving domains a tracking host');
      let host: string | null = null;
      if (input !== null) {
        const name = typeof input === 'string' ? normalizeDomainName(input) : { ok: false as const, message: 'tracking_host must be a host name or null' };
        if (!name.ok) throw new RelayError('validation_failed', name.message, 'tracking_host');
        if (!name.value.endsWith(`.${domain.name}`)) throw new RelayError('validation_failed', `tracking_host must be a name under ${domain.name}, such as track.${domain.name}`, 'tracking_host');
        host = name.value;
      }
      if (!(await deps.store.domains.setTrackingHost(domain.id, host))) throw new RelayError('conflict', 'Another domain already uses this tracking host', 'tracking_host');
      return describe((await deps.store.domains.getForAccount(accountId, id))!);
    },

    /** Looks every record up live; a seen key starts signing when its algorithm has no signing key yet. */
    async verify(accountId: string, id: string, now = Date.now()) {
      const domain = await ownedDomain(accountId, id);
      const keys = await deps.store.domains.listDkimKeys(domain.id);
      const check = await checkDomain(domain.name, label(domain), keys, deps.identity, deps.resolver, domain.dmarc_rua, domain.tracking_host);
      await deps.store.domains.recordCheck(domain.id, { verified: check.verified, result: check, verifiedKeyIds: check.verifiedKeyIds }, now);
      return describe((await deps.store.domains.getForAccount(accountId, id))!);
    },
  };
}

export type DomainService = ReturnType<typeof createDomainService>;

/** The service as the relay and the CLI configure it (resolvers, return path, sender identity). */
export function domainServiceFromConfig(store: Store, config: Pick<RelayConfig, 'dnsServers' | 'returnPathSubdomain' | 'inboundHost' | 'hostname' | 'sendingIps' | 'spfInclude' | 'dkimRetireGrace' | 'publicUrl'>, resolver?: DnsResolver, verp?: Verp): DomainService {
  return createDomainService({
    store,
    ...(verp ? { verp } : {}),
    dnsServers: config.dnsServers,
    retireGraceMs: config.dkimRetireGrace,
    resolver: resolver ?? createDnsResolver(config.dnsServers),
    defaultReturnPath: config.returnPathSubdomain,
    identity: { inboundHost: config.inboundHost ?? config.hostname, sendingIps: config.sendingIps, spfInclude: config.spfInclude, hostname: config.hostname, trackingTarget: new URL(config.publicUrl).hostname },
  });
}
