import { domainToASCII } from 'node:url';
import type { Logger } from 'pino';
import { RelayError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Store } from '../store/index.ts';
import type { SigningKey } from '../store/domains.ts';
import type { AcceptOutcome } from '../store/hot-writes/index.ts';
import { asUtf8, countHeader, fromAddress, headerValue, splitMessage, type HeaderField } from './headers.ts';
import type { AcceptInput, AcceptResult } from './types.ts';
import type { Verp } from '../domains/verp.ts';
import { signWithHeaderPrefixes } from '../dkim/sign.ts';
import { UNSUBSCRIBE_CONTROL_HEADER, unsubscribeControl, unsubscribeHeaderLines, withoutHeaderField } from '../unsubscribe/headers.ts';
import type { UnsubscribeTokens } from '../unsubscribe/token.ts';
import { resolveTracking, TRACKING_CONTROL_HEADER, trackingControl, type TrackingChoice } from '../tracking/choice.ts';
import type { TrackingTokens } from '../tracking/token.ts';
import { rewriteMessageHtml } from '../tracking/rewrite-mime.ts';
import { rewriteHtml } from '../tracking/rewrite-html.ts';
import type { SendingLimits } from './sending-limits.ts';

export type DkimSignFn = (raw: Buffer, keys: SigningKey[]) => Promise<Buffer>;
/** For each prefix (whole header lines), the DKIM-Signature lines plus the prefix, signed over prefix + raw. */
export type DkimPrefixSignFn = (prefixes: string[], raw: Buffer, keys: SigningKey[]) => Promise<string[]>;

export interface AcceptPipelineDeps {
  store: Store;
  sign: DkimSignFn;
  /** Builds VERP envelope senders for verified domains; without it the client's MAIL FROM is kept. */
  verp?: Verp;
  /** One-click unsubscribe links (RFC 8058): `${baseUrl}/unsubscribe/<token>`. Without it no message gets them. */
  unsubscribe?: { baseUrl: string; tokens: UnsubscribeTokens };
  /** Open and click tracking: `${baseUrl}/t/o/<token>` and `${baseUrl}/t/c/<token>`. Without it nothing is tracked. */
  tracking?: { baseUrl: string; tokens: TrackingTokens };
  /** Per-account rate and daily quota; without it nothing is limited. */
  limits?: SendingLimits;
  signPrefixes?: DkimPrefixSignFn;
  hostname: string;
  maxMessageSize: number;
  maxRecipients: number;
  logger: Logger;
  now?: () => number;
}

/** An HTTP Idempotency-Key and the hash of the request it came with. */
export interface IdempotencyInput {
  key: string;
  requestHash: string;
}

export function domainOfAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = at === -1 ? '' : address.slice(at + 1);
  return (domainToASCII(domain) || domain).toLowerCase();
}

/**
 * The acceptance checklist every message passes, from either front door, before the
 * relay promises to deliver it. Each step either passes or throws a RelayError; nothing
 * is written until the final commit, so a rejection leaves no trace in the database.
 */
export function createAcceptPipeline(deps: AcceptPipelineDeps) {
  const now = deps.now ?? Date.now;
  const signPrefixes = deps.signPrefixes ?? signWithHeaderPrefixes;

  function checkEnvelope(input: AcceptInput): void {
    if (input.recipients.length === 0) throw new RelayError('validation_failed', 'At least one recipient is required', 'to');
    if (input.recipients.length > deps.maxRecipients) {
      throw new RelayError('too_many_recipients', `At most ${deps.maxRecipients} recipients per message`, 'to');
    }
    if (input.raw.length > deps.maxMessageSize) {
      throw new RelayError('message_too_large', `The message is ${input.raw.length} bytes; the limit is ${deps.maxMessageSize}`);
    }
  }

  async function checkSenderDomains(input: AcceptInput, fields: HeaderField[], fromHeader: string): Promise<string> {
    if (countHeader(fields, 'From') !== 1) {
      throw new RelayError('invalid_message', 'The message must have exactly one From header', 'from');
    }
    const from = fromAddress(fromHeader);
    if (!from) throw new RelayError('invalid_message', 'The From header must contain exactly one address', 'from');
    const fromDomain = domainOfAddress(from);
    if (!(await deps.store.domains.accountOwns(input.accountId, fromDomain))) {
      throw new RelayError('sender_domain_not_allowed', `The From domain ${fromDomain} does not belong to this account`, 'from');
    }
    if (input.mailFrom !== '') {
      const envelopeDomain = domainOfAddress(input.mailFrom);
      if (envelopeDomain !== fromDomain && !(await deps.store.domains.accountOwns(input.accountId, envelopeDomain))) {
        throw new RelayError('sender_domain_not_allowed', `The envelope sender domain ${envelopeDomain} does not belong to this account`, 'mail_from');
      }
    }
    return fromDomain;
  }

  /** From at a verified domain, unless the account is a sandbox (development); checked before any signing. */
  async function checkSendingPolicy(accountId: string, fromDomain: string) {
    const state = await deps.store.domains.sendingState(accountId, fromDomain);
    const sandbox = await deps.store.accounts.isSandbox(accountId);
    if (!state.verified && !sandbox) {
      throw new RelayError('sender_domain_not_verified', `The From domain ${fromDomain} is not verified yet: publish its DNS records and verify it (POST /v1/domains/:id/verify), or use a sandbox account for development`, 'from');
    }
    return { state, sandbox };
  }

  /** Adds Message-ID and Date when the client left them out (RFC 6409 §8 allows this). */
  function completeHeaders(raw: Buffer, fields: HeaderField[]): { raw: Buffer; messageIdHeader: string } {
    const added: string[] = [];
    let messageIdHeader = headerValue(fields, 'Message-ID');
    if (!messageIdHeader) {
      messageIdHeader = `<${newId('m', now()).slice(2)}@${deps.hostname}>`;
      added.push(`Message-ID: ${messageIdHeader}`);
    }
    if (!headerValue(fields, 'Date')) added.push(`Date: ${new Date(now()).toUTCString().replace('GMT', '+0000')}`);
    if (added.length === 0) return { raw, messageIdHeader };
    return { raw: Buffer.concat([Buffer.from(added.join('\r\n') + '\r\n'), raw]), messageIdHeader };
  }

  /**
   * Whether the message gets one-click unsubscribe headers: the send's own choice (the API
   * flag, else the SMTP control header), else the account's default for its tags. A message
   * that already has a List-Unsubscribe keeps it; asking for the relay's on top is refused,
   * because a second List-Unsubscribe field would leave receivers to guess.
   */
  async function wantsUnsubscribe(input: AcceptInput, fields: HeaderField[], control: boolean | undefined): Promise<boolean> {
    if (!deps.unsubscribe) return false;
    const explicit = input.unsubscribe ?? control;
    if (explicit === false) return false;
    if (explicit === undefined) {
      if (!(await carriesNonTransactionalTag(input))) return false;
      return countHeader(fields, 'List-Unsubscribe') === 0;
    }
    if (countHeader(fields, 'List-Unsubscribe') > 0) {
      throw new RelayError('invalid_message', 'The message already has a List-Unsubscribe header; leave it out to get the relay\'s one-click link, or send with unsubscribe off', input.unsubscribe === undefined ? UNSUBSCRIBE_CONTROL_HEADER : 'unsubscribe');
    }
    return true;
  }

  /**
   * Whether the account's unsubscribes stop this message: mail a recipient can unsubscribe
   * from (the relay's one-click links, the sender's own List-Unsubscribe, or a tag the account
   * marks non-transactional). Transactional mail (an order receipt, a password reset) still
   * reaches someone who unsubscribed from the newsletter, as with the hosted services' separate
   * streams; bounces, complaints and manual entries stop every message.
   */
  async function honoursUnsubscribes(input: AcceptInput, fields: HeaderField[], unsubscribe: boolean): Promise<boolean> {
    if (unsubscribe || countHeader(fields, 'List-Unsubscribe') > 0) return true;
    return carriesNonTransactionalTag(input);
  }

  /** Whether one of the message's tags is among those the account marks non-transactional. */
  async function carriesNonTransactionalTag(input: AcceptInput): Promise<boolean> {
    if (!input.tags?.length) return false;
    const bulk = await deps.store.accounts.nonTransactionalTags(input.accountId, now());
    return input.tags.some((tag) => bulk.has(tag));
  }

  /**
   * Per-recipient unsubscribe headers, signed now (before the answer, like every other
   * signature): the row ids are chosen here because each link names its row. Suppressed
   * recipients are never delivered and get none.
   */
  async function personalize(raw: Buffer, keys: SigningKey[], recipients: string[], suppressed: Map<string, string>) {
    const ids = recipients.map(() => newId('rcpt', now()));
    const wanted = recipients.flatMap((r, i) => (suppressed.has(r) ? [] : [i]));
    const prefixes = wanted.map((i) => unsubscribeHeaderLines(`${deps.unsubscribe!.baseUrl}/unsubscribe/${deps.unsubscribe!.tokens.create(ids[i]!)}`));
    const signed = await signPrefixes(prefixes, raw, keys);
    const headerPrefixes: (string | null)[] = recipients.map(() => null);
    wanted.forEach((recipientIndex, k) => { headerPrefixes[recipientIndex] = signed[k]!; });
    return { ids, headerPrefixes };
  }

  /**
   * Tracking rewrites the HTML before anything is signed: links point at click URLs that
   * carry their target signed, and an open pixel is added. Text parts are never touched.
   */
  function applyTracking(raw: Buffer, messageId: string, choice: TrackingChoice, trackingHost: string | null): Buffer {
    const t = deps.tracking!;
    const at = now();
    // The From domain's own tracking host (a CNAME of the relay) once its record was seen.
    const base = trackingHost ? `${new URL(t.baseUrl).protocol}//${trackingHost}` : t.baseUrl;
    return rewriteMessageHtml(raw, (html) => rewriteHtml(html, {
      clickUrl: choice.clicks ? (url) => `${base}/t/c/${t.tokens.click(messageId, url, at)}` : null,
      pixelUrl: choice.opens ? `${base}/t/o/${t.tokens.open(messageId, at)}` : null,
    }).html).raw;
  }

  async function chooseTracking(input: AcceptInput, control: TrackingChoice | undefined): Promise<TrackingChoice> {
    if (!deps.tracking) return { opens: false, clicks: false };
    const explicit = input.tracking;
    // Both kinds decided by the send: the account's defaults are not even read.
    if ((explicit?.opens ?? control?.opens) !== undefined && (explicit?.clicks ?? control?.clicks) !== undefined) return resolveTracking(explicit, control, { opens: false, clicks: false });
    return resolveTracking(explicit, control, await deps.store.accounts.trackingDefaults(input.accountId, now()));
  }

  return async function accept(input: AcceptInput, idempotency?: IdempotencyInput): Promise<AcceptResult> {
    checkEnvelope(input);
    const { fields } = splitMessage(input.raw);
    const control = unsubscribeControl(fields);
    const trackControl = trackingControl(fields);
    const fromHeader = headerValue(fields, 'From');
    if (!fromHeader) throw new RelayError('invalid_message', 'The message has no From header', 'from');
    const fromDomain = await checkSenderDomains(input, fields, fromHeader);
    const { state, sandbox } = await checkSendingPolicy(input.accountId, fromDomain);
    await deps.limits?.check(input.accountId, now());
    const unsubscribe = await wantsUnsubscribe(input, fields, control);
    const tracking = await chooseTracking(input, trackControl);
    let submitted = control === undefined ? input.raw : withoutHeaderField(input.raw, UNSUBSCRIBE_CONTROL_HEADER);
    if (trackControl !== undefined) submitted = withoutHeaderField(submitted, TRACKING_CONTROL_HEADER);
    // Known before signing: the VERP address and the tracking tokens name the message.
    const id = newId('msg', now());
    const completed = completeHeaders(submitted, fields);
    if (tracking.opens || tracking.clicks) completed.raw = applyTracking(completed.raw, id, tracking, state.trackingHost);
    const recipients = input.recipients.map((r) => {
      const at = r.lastIndexOf('@');
      return at === -1 ? r : r.slice(0, at + 1) + domainOfAddress(r);
    });
    const suppressed = await deps.store.suppressions.suppressedAmong(input.accountId, recipients, { unsubscribes: await honoursUnsubscribes(input, fields, unsubscribe) });
    const keys = await deps.store.domains.signingKeys(input.accountId, fromDomain);
    // With unsubscribe links the shared bytes stay unsigned: each recipient's signature
    // covers its own List-Unsubscribe and lives in its row's header prefix.
    const perRecipient = unsubscribe ? await personalize(completed.raw, keys, recipients, suppressed) : undefined;
    const signed = perRecipient || keys.length === 0 ? completed.raw : await deps.sign(completed.raw, keys);
    const subject = headerValue(fields, 'Subject');

    // A verified domain's mail goes out with a VERP envelope sender on its return path, so
    // bounces come back to the relay and SPF aligns with From (relaxed). A null sender stays null.
    const returnPath = deps.verp && input.mailFrom !== '' ? state.returnPath : null;
    const message = {
      id,
      ...(returnPath ? { envelopeFrom: deps.verp!.address(id, returnPath) } : {}),
      ...(suppressed.size > 0 ? { suppressed } : {}),
      ...(perRecipient ? { perRecipient } : {}),
      fromDomain,
      accountId: input.accountId,
      source: input.source,
      mailFrom: input.mailFrom,
      fromHeader: asUtf8(fromHeader),
      subject: subject === undefined ? null : asUtf8(subject),
      messageIdHeader: completed.messageIdHeader,
      raw: signed,
      tags: input.tags ?? [],
      metadata: input.metadata ?? {},
      recipients,
    };
    // Group commit: concurrent accepts share one transaction (and one fsync); each still
    // resolves only after that transaction committed and is on disk.
    const commit = () => deps.store.hotWrites.acceptMessage(message, idempotency, now());

    let committed: AcceptOutcome;
    try {
      committed = await commit();
    } catch (err) {
      // Two requests with one Idempotency-Key raced: the loser's insert hit the primary
      // key; its retry now finds the winner's record and answers with it (or 409).
      if (!idempotency) throw err;
      committed = await commit();
    }
    if (committed.kind === 'conflict') throw new RelayError('idempotency_conflict');
    if (committed.kind !== 'replayed') deps.limits?.accepted(input.accountId, now());
    const outcome = committed.kind === 'replayed'
      ? { result: committed.response as AcceptResult, replayed: true }
      : { result: { messageId: committed.inserted.messageId, recipients: committed.inserted.recipients } satisfies AcceptResult, replayed: false };
    deps.logger.info(
      { event: outcome.replayed ? 'message.idempotent_replay' : 'message.accepted', messageId: outcome.result.messageId, accountId: input.accountId, source: input.source, recipients: recipients.length, size: signed.length, dkim: keys.length, unsubscribe, tracking },
      outcome.replayed ? 'idempotent replay' : 'message accepted',
    );
    // Every answer to a sandbox account says so, replays included.
    return sandbox ? { ...outcome.result, sandbox: true } : outcome.result;
  };
}

export type AcceptPipeline = ReturnType<typeof createAcceptPipeline>;
