import { Resolver } from 'node:dns/promises';
import { signMessage } from '../dkim/sign.ts';
import type { SigningKey } from '../store/domains.ts';
import type { Verp } from './verp.ts';

export interface PreflightInput {
  domain: string;
  keys: SigningKey[];
  /** The return-path host while the domain's last check passes, else null. */
  returnPath: string | null;
  verp: Verp;
  /** The address receivers see the relay connect from (RELAY_SENDING_IPS[0]). */
  ip: string;
  /** RELAY_HOSTNAME: the HELO name. */
  helo: string;
  dnsServers: string[];
  now?: number;
}

export interface PreflightResult {
  ip: string;
  envelope_from: string;
  spf: { result: string; domain: string; comment: string | null };
  dkim: { selector: string | null; domain: string | null; algorithm: string | null; result: string; aligned: boolean; comment: string | null }[];
  dmarc: { result: string; policy: string | null; comment: string | null };
  /** What a site owner wants to know: a receiver checking DMARC would accept this mail. */
  would_pass_dmarc: boolean;
}

/**
 * Authenticates a sample message exactly as a receiver would: signed with the domain's
 * signing keys, sent (on paper) from the relay's sending IP with the envelope sender real
 * mail would get, and checked by mailauth (an independent implementation) for SPF, DKIM and
 * DMARC through the relay's configured resolvers. mailauth is loaded only on the first
 * preflight: most relays never pay for it.
 */
export async function runPreflight(input: PreflightInput): Promise<PreflightResult> {
  const { authenticate } = await import('mailauth');
  const now = input.now ?? Date.now();
  const messageId = `msg_preflight${now.toString(36)}`;
  const envelopeFrom = input.returnPath ? input.verp.address(messageId, input.returnPath) : `preflight@${input.domain}`;
  const raw = Buffer.from([
    `From: RelayPress preflight <preflight@${input.domain}>`,
    'To: <check@preflight.invalid>',
    'Subject: RelayPress preflight',
    `Date: ${new Date(now).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${messageId}@${input.helo}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This message is never sent; it shows what receivers would conclude.',
    '',
  ].join('\r\n'));
  const signed = await signMessage(raw, input.keys);
  const resolver = new Resolver({ timeout: 5000, tries: 2 });
  if (input.dnsServers.length > 0) resolver.setServers(input.dnsServers);
  const result = await authenticate(signed, {
    ip: input.ip,
    helo: input.helo,
    sender: envelopeFrom,
    mta: input.helo,
    disableArc: true,
    disableBimi: true,
    resolver: (name: string, rrtype: string) => resolver.resolve(name, rrtype) as Promise<string[][] | string[]>,
  });
  const dmarc = result.dmarc || null;
  return {
    ip: input.ip,
    envelope_from: envelopeFrom,
    spf: result.spf
      ? { result: result.spf.status.result, domain: result.spf.domain, comment: result.spf.status.comment ?? null }
      : { result: 'none', domain: envelopeFrom.slice(envelopeFrom.lastIndexOf('@') + 1), comment: null },
    dkim: result.dkim.results.map((r) => ({
      selector: r.selector ?? null,
      domain: r.signingDomain ?? null,
      algorithm: r.algo ?? null,
      result: r.status.result,
      aligned: Boolean(r.status.aligned),
      comment: r.status.comment ?? null,
    })),
    dmarc: { result: dmarc ? dmarc.status.result : 'none', policy: dmarc ? dmarc.p ?? null : null, comment: dmarc ? dmarc.status.comment ?? null : null },
    would_pass_dmarc: dmarc ? dmarc.status.result === 'pass' : false,
  };
}
