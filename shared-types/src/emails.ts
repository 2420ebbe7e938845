import { z } from 'zod';
import { EmailAddress, headerText } from './fields.ts';

/**
 * `POST /v1/emails`: either a structured message the relay composes, or a raw RFC 5322
 * message with its envelope (what the WordPress plugin hands over when PHPMailer already
 * built the MIME). The two are told apart by the presence of `raw`.
 */

export const LIMITS = {
  recipientsPerField: 50,
  attachments: 50,
  headers: 50,
  tags: 10,
  tagLength: 64,
  metadataKeys: 20,
  metadataKeyLength: 40,
  metadataValueLength: 500,
  subjectLength: 998,
  nameLength: 256,
  headerValueLength: 2000,
  filenameLength: 255,
} as const;

/**
 * Header fields the relay writes itself. Letting a caller set them would either duplicate
 * a field the message may have only once, contradict the structured fields, or forge
 * authentication results; the request has a dedicated field for each one it may influence.
 */
export const RESERVED_HEADER_NAMES: readonly string[] = [
  'from', 'sender', 'to', 'cc', 'bcc', 'reply-to', 'subject', 'date', 'message-id',
  'mime-version', 'content-type', 'content-transfer-encoding', 'content-disposition', 'content-id',
  'return-path', 'received', 'dkim-signature', 'domainkey-signature', 'authentication-results',
  'arc-seal', 'arc-message-signature', 'arc-authentication-results',
  'resent-from', 'resent-sender', 'resent-to', 'resent-cc', 'resent-bcc', 'resent-date', 'resent-message-id',
];

/** RFC 5322 field-name: printable US-ASCII except the colon. */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

export const Mailbox = z.strictObject({
  email: EmailAddress,
  name: headerText(LIMITS.nameLength).optional(),
});
export type Mailbox = z.infer<typeof Mailbox>;

const mailboxList = (min: number) =>
  z.array(Mailbox).min(min, { message: `must contain at least ${min} recipient` }).max(LIMITS.recipientsPerField, {
    message: `must contain at most ${LIMITS.recipientsPerField} recipients`,
  });

export const CustomHeader = z.strictObject({
  name: z
    .string()
    .regex(FIELD_NAME, { message: 'must be a header field name (printable ASCII, no colon or space)' })
    .max(76, { message: 'must be at most 76 characters' })
    .refine((name) => !RESERVED_HEADER_NAMES.includes(name.toLowerCase()), {
      message: 'is set by the relay and can not be given as a custom header',
    }),
  value: headerText(LIMITS.headerValueLength),
});
export type CustomHeader = z.infer<typeof CustomHeader>;

/** A MIME token (RFC 2045), for both halves of a content type. */
const MIME_TOKEN = "[!#$%&'*+.^_`{|}~0-9A-Za-z-]+";

export const Attachment = z
  .strictObject({
    content: z.base64({ message: 'must be base64 (RFC 4648, no line breaks)' }).min(1, { message: 'must not be empty' }),
    filename: headerText(LIMITS.filenameLength).min(1, { message: 'must not be empty' }),
    content_type: z
      .string()
      .regex(new RegExp(`^${MIME_TOKEN}/${MIME_TOKEN}$`), { message: 'must be a MIME type such as application/pdf' })
      .max(255)
      .optional(),
    disposition: z.enum(['attachment', 'inline']).default('attachment'),
    content_id: headerText(255)
      .regex(/^[^\s<>"()]+$/, { message: 'must be a content id without angle brackets or spaces' })
      .optional(),
  })
  .refine((a) => a.disposition !== 'inline' || a.content_id !== undefined, {
    message: 'is required for inline attachments',
    path: ['content_id'],
  });
export type Attachment = z.infer<typeof Attachment>;

export const Tags = z
  .array(headerText(LIMITS.tagLength).min(1, { message: 'must not be empty' }))
  .max(LIMITS.tags, { message: `must contain at most ${LIMITS.tags} tags` });

export const Metadata = z
  .record(
    z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: 'keys must be letters, digits, "_", "." or "-"' }).max(LIMITS.metadataKeyLength),
    headerText(LIMITS.metadataValueLength),
  )
  .refine((m) => Object.keys(m).length <= LIMITS.metadataKeys, {
    message: `must contain at most ${LIMITS.metadataKeys} keys`,
  });

/**
 * Whether the relay adds one-click unsubscribe headers (RFC 8058) with a link per recipient.
 * Absent: the account's default (on for messages tagged with one of its non-transactional tags).
 */
export const Unsubscribe = z.boolean();

/**
 * Open and click tracking for this send, per kind; a kind left out follows the account's
 * default. Clicks rewrite the http(s) links of the HTML body; opens add a 1×1 image.
 */
export const Tracking = z.strictObject({ opens: z.boolean().optional(), clicks: z.boolean().optional() });

export const SendStructuredEmailRequest = z
  .strictObject({
    from: Mailbox,
    to: mailboxList(1),
    cc: mailboxList(0).optional(),
    bcc: mailboxList(0).optional(),
    reply_to: Mailbox.optional(),
    subject: headerText(LIMITS.subjectLength).min(1, { message: 'must not be empty' }),
    html: z.string().min(1).optional(),
    text: z.string().min(1).optional(),
    headers: z.array(CustomHeader).max(LIMITS.headers).optional(),
    attachments: z.array(Attachment).max(LIMITS.attachments).optional(),
    tags: Tags.optional(),
    metadata: Metadata.optional(),
    unsubscribe: Unsubscribe.optional(),
    tracking: Tracking.optional(),
  })
  .refine((r) => r.html !== undefined || r.text !== undefined, {
    message: 'at least one of html and text is required',
    path: ['text'],
  });
export type SendStructuredEmailRequest = z.infer<typeof SendStructuredEmailRequest>;

export const SendRawEmailRequest = z.strictObject({
  envelope: z.strictObject({
    mail_from: EmailAddress,
    rcpt_to: z.array(EmailAddress).min(1, { message: 'must contain at least 1 recipient' }).max(LIMITS.recipientsPerField * 3),
  }),
  raw: z.base64({ message: 'must be a base64 encoded RFC 5322 message' }).min(1, { message: 'must not be empty' }),
  tags: Tags.optional(),
  metadata: Metadata.optional(),
  unsubscribe: Unsubscribe.optional(),
  tracking: Tracking.optional(),
});
export type SendRawEmailRequest = z.infer<typeof SendRawEmailRequest>;

/** Template data: a JSON object (what a Liquid template reads). */
export const TemplateData = z.record(z.string(), z.unknown());

/**
 * A message rendered from a stored template: its subject, HTML and text come from the
 * template's active version (an explicit `subject` overrides the template's). `data` is for
 * every recipient; `personalization` adds or replaces top-level keys per recipient of `to`
 * (MailerSend's shape), and when it gives several recipients different data each one gets
 * a message of their own.
 */
export const SendTemplateEmailRequest = z.strictObject({
  from: Mailbox,
  to: mailboxList(1),
  cc: mailboxList(0).optional(),
  bcc: mailboxList(0).optional(),
  reply_to: Mailbox.optional(),
  template_id: z.string().min(1).max(64),
  subject: headerText(LIMITS.subjectLength).min(1).optional(),
  data: TemplateData.optional(),
  personalization: z.array(z.strictObject({ email: EmailAddress, data: TemplateData })).max(LIMITS.recipientsPerField).optional(),
  headers: z.array(CustomHeader).max(LIMITS.headers).optional(),
  attachments: z.array(Attachment).max(LIMITS.attachments).optional(),
  tags: Tags.optional(),
  metadata: Metadata.optional(),
  unsubscribe: Unsubscribe.optional(),
  tracking: Tracking.optional(),
});
export type SendTemplateEmailRequest = z.infer<typeof SendTemplateEmailRequest>;

function isRawRequest(input: unknown): boolean {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && 'raw' in input;
}

function isTemplateRequest(input: unknown): boolean {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && 'template_id' in input;
}

/**
 * Chooses the form up front instead of using z.union: a union that fails reports the issues
 * of both forms at once, and the caller would get "raw is required" for a typo in `to`.
 */
export const SendEmailRequest = z.unknown().transform((input, ctx): SendStructuredEmailRequest | SendRawEmailRequest | SendTemplateEmailRequest => {
  const schema = isRawRequest(input) ? SendRawEmailRequest : isTemplateRequest(input) ? SendTemplateEmailRequest : SendStructuredEmailRequest;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.issues.push({ ...issue, input: undefined } as z.core.$ZodRawIssue);
  return z.NEVER;
});
export type SendEmailRequest = z.output<typeof SendEmailRequest>;

export function isRawSendEmailRequest(req: SendEmailRequest): req is SendRawEmailRequest {
  return 'raw' in req;
}

export function isTemplateSendEmailRequest(req: SendEmailRequest): req is SendTemplateEmailRequest {
  return 'template_id' in req;
}

export const AcceptedRecipient = z.object({
  id: z.string(),
  email: z.string(),
  /** Present when the account's suppression list stopped this recipient: recorded, never delivered. */
  suppressed: z.enum(['hard_bounce', 'complaint', 'unsubscribe', 'manual']).optional(),
});

/** The 202 answer: the message is committed to the queue, one queue row per recipient. */
export const SendEmailResponse = z.object({
  id: z.string(),
  recipients: z.array(AcceptedRecipient),
  /** Template sends personalized per recipient: one message each (`id` is the first's). */
  messages: z.array(z.object({ id: z.string(), recipients: z.array(AcceptedRecipient) })).optional(),
  /** Present when the account is in sandbox mode (unverified domains allowed, for development). */
  sandbox: z.literal(true).optional(),
});
export type SendEmailResponse = z.infer<typeof SendEmailResponse>;
