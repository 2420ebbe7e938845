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

export type DkimSignFn = (raw: Buffer, keys: SigningKey[]) => Promise<Buffer>;

export interface AcceptPipelineDeps {
  store: Store;
  sign: DkimSignFn;
  /** Builds VERP envelope senders for verified domains; without it the client's MAIL FROM is kept. */
  verp?: Verp;
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

  return async function accept(input: AcceptInput, idempotency?: IdempotencyInput): Promise<AcceptResult> {
    checkEnvelope(input);
    const { fields } = splitMessage(input.raw);
    const fromHeader = headerValue(fields, 'From');
    if (!fromHeader) throw new RelayError('invalid_message', 'The message has no From header', 'from');
    const fromDomain = await checkSenderDomains(input, fields, fromHeader);
    const { state, sandbox } = await checkSendingPolicy(input.accountId, fromDomain);
    const completed = completeHeaders(input.raw, fields);
    const keys = await deps.store.domains.signingKeys(input.accountId, fromDomain);
    const signed = keys.length > 0 ? await deps.sign(completed.raw, keys) : completed.raw;
    const subject = headerValue(fields, 'Subject');
    const recipients = input.recipients.map((r) => {
      const at = r.lastIndexOf('@');
      return at === -1 ? r : r.slice(0, at + 1) + domainOfAddress(r);
    });

    // A verified domain's mail goes out with a VERP envelope sender on its return path, so
    // bounces come back to the relay and SPF aligns with From (relaxed). A null sender stays null.
    const returnPath = deps.verp && input.mailFrom !== '' ? state.returnPath : null;
    const id = returnPath ? newId('msg', now()) : undefined;
    const suppressed = await deps.store.suppressions.suppressedAmong(input.accountId, recipients);
    const message = {
      ...(id ? { id, envelopeFrom: deps.verp!.address(id, returnPath!) } : {}),
      ...(suppressed.size > 0 ? { suppressed } : {}),
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
    const outcome = committed.kind === 'replayed'
      ? { result: committed.response as AcceptResult, replayed: true }
      : { result: { messageId: committed.inserted.messageId, recipients: committed.inserted.recipients } satisfies AcceptResult, replayed: false };
    deps.logger.info(
      { event: outcome.replayed ? 'message.idempotent_replay' : 'message.accepted', messageId: outcome.result.messageId, accountId: input.accountId, source: input.source, recipients: recipients.length, size: signed.length, dkim: keys.length },
      outcome.replayed ? 'idempotent replay' : 'message accepted',
    );
    // Every answer to a sandbox account says so, replays included.
    return sandbox ? { ...outcome.result, sandbox: true } : outcome.result;
  };
}

export type AcceptPipeline = ReturnType<typeof createAcceptPipeline>;
