import MailComposer from 'nodemailer/lib/mail-composer';
import { normalizeEmailAddress, type Mailbox, type SendStructuredEmailRequest } from '@relaypress/shared-types';
import { newId } from '../ids.ts';

export interface ComposeOptions {
  /** The relay's host name, the right-hand side of generated Message-IDs. */
  hostname: string;
  now?: Date;
}

export interface ComposedMessage {
  /** RFC 5322 message, CRLF line endings, not yet DKIM-signed. */
  raw: Buffer;
  /** Envelope sender, normalized (A-label domain). */
  mailFrom: string;
  /** Envelope recipients from to, cc and bcc: normalized and each listed once. */
  recipients: string[];
  /** The Message-ID header value, angle brackets included. */
  messageIdHeader: string;
}

interface ComposerAddress {
  name: string;
  address: string;
}

function toComposerAddress(mailbox: Mailbox): ComposerAddress {
  return { name: mailbox.name ?? '', address: mailbox.email };
}

function uniqueRecipients(req: SendStructuredEmailRequest): string[] {
  const all = [...req.to, ...(req.cc ?? []), ...(req.bcc ?? [])].map((m) => normalizeEmailAddress(m.email));
  return [...new Set(all)];
}

/**
 * Builds the MIME message for a structured `POST /v1/emails` request. The request has been
 * validated by SendStructuredEmailRequest, so every header-bound string is free of CR/LF and
 * attachments carry only inline base64 content.
 */
export async function composeMessage(req: SendStructuredEmailRequest, opts: ComposeOptions): Promise<ComposedMessage> {
  const messageIdHeader = `<${newId('msg')}@${opts.hostname}>`;
  const composer = new MailComposer({
    from: toComposerAddress(req.from),
    to: req.to.map(toComposerAddress),
    ...(req.cc?.length ? { cc: req.cc.map(toComposerAddress) } : {}),
    // Bcc is left out entirely: the recipients list below carries it to the envelope, and
    // a composer that never sees it can not leak it into a header.
    ...(req.reply_to ? { replyTo: toComposerAddress(req.reply_to) } : {}),
    subject: req.subject,
    ...(req.text !== undefined ? { text: req.text } : {}),
    ...(req.html !== undefined ? { html: req.html } : {}),
    headers: (req.headers ?? []).map((h) => ({ key: h.name, value: h.value })),
    attachments: (req.attachments ?? []).map((a) => ({
      content: Buffer.from(a.content, 'base64'),
      filename: a.filename,
      contentDisposition: a.disposition,
      ...(a.content_type ? { contentType: a.content_type } : {}),
      ...(a.content_id ? { cid: a.content_id } : {}),
    })),
    messageId: messageIdHeader,
    date: opts.now ?? new Date(),
    newline: '\r\n',
    // The schema already refuses path/href attachments; this keeps the composer from ever
    // reading a local file or fetching a URL should one slip through a future code path.
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  const raw = await composer.compile().build();
  return {
    raw,
    mailFrom: normalizeEmailAddress(req.from.email),
    recipients: uniqueRecipients(req),
    messageIdHeader,
  };
}
