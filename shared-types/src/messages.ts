import { z } from 'zod';
import { Timestamp } from './fields.ts';

/** `GET /v1/messages` and `GET /v1/messages/:id`: what happened to accepted mail. */

export const RECIPIENT_STATUSES = ['queued', 'deferred', 'sending', 'delivered', 'bounced', 'failed'] as const;
export const RecipientStatus = z.enum(RECIPIENT_STATUSES);
export type RecipientStatus = z.infer<typeof RecipientStatus>;

export const EVENT_TYPES = ['queued', 'sent', 'delivered', 'deferred', 'bounced', 'failed', 'suppressed', 'spam_complaint', 'unsubscribed'] as const;
export const EventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventType>;

export const AttemptOutcome = z.enum(['delivered', 'deferred', 'bounced', 'failed']);
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;

/** One SMTP transaction with one MX host for one recipient. */
export const DeliveryAttempt = z.object({
  at: Timestamp,
  mx_host: z.string(),
  /** Null when the connection failed before an address was chosen (e.g. MX lookup failed). */
  mx_ip: z.string().nullable(),
  tls: z.boolean(),
  /** The remote reply, verbatim, or the local error when there was no reply. */
  response: z.string().nullable(),
  outcome: AttemptOutcome,
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

export const MessageEvent = z.object({
  id: z.string(),
  type: EventType,
  at: Timestamp,
  recipient: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type MessageEvent = z.infer<typeof MessageEvent>;

export const MessageRecipient = z.object({
  id: z.string(),
  email: z.string(),
  status: RecipientStatus,
  attempts: z.array(DeliveryAttempt),
  events: z.array(MessageEvent),
});
export type MessageRecipient = z.infer<typeof MessageRecipient>;

export const MessageSummary = z.object({
  id: z.string(),
  created_at: Timestamp,
  source: z.enum(['smtp', 'http']),
  from: z.string(),
  subject: z.string().nullable(),
  /** The Message-ID header, as the receiving side will see it. */
  message_id_header: z.string().nullable(),
  recipient_count: z.number().int().nonnegative(),
  /** Recipients per status, so a list row can show progress without the detail call. */
  status_counts: z.partialRecord(RecipientStatus, z.number().int().nonnegative()),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.string()),
});
export type MessageSummary = z.infer<typeof MessageSummary>;

export const MessageDetail = MessageSummary.extend({
  recipients: z.array(MessageRecipient),
});
export type MessageDetail = z.infer<typeof MessageDetail>;

/** Query string of `GET /v1/messages`; values arrive as strings, hence the coercion. */
export const MessageListQuery = z.strictObject({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  status: RecipientStatus.optional(),
  recipient: z.string().max(254).optional(),
  tag: z.string().max(64).optional(),
});
export type MessageListQuery = z.infer<typeof MessageListQuery>;

/** Newest first; `next_cursor` is null on the last page. */
export const MessageListResponse = z.object({
  data: z.array(MessageSummary),
  next_cursor: z.string().nullable(),
});
export type MessageListResponse = z.infer<typeof MessageListResponse>;
