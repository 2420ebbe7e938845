import { newId } from '../../ids.ts';
import type { SendResult } from '../../delivery/types.ts';
import type { InsertedMessage, NewMessage, RecipientRow } from '../messages.ts';
import type { AttemptDecision } from '../queue.ts';

// The rows each hot write produces, built once here so the SQLite and knex
// implementations cannot drift apart in what they store.

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

export function acceptedMessageRows(input: NewMessage, now: number) {
  const messageId = input.id ?? newId('msg', now);
  const ids = input.perRecipient?.ids;
  const recipients = input.recipients.map((email, i) => {
    const id = ids ? ids[i]! : newId('rcpt', now);
    const reason = input.suppressed?.get(email);
    return reason ? { id, email, suppressed: reason } : { id, email };
  });
  const inserted: InsertedMessage = { messageId, recipients };
  const message = {
    id: messageId,
    account_id: input.accountId,
    source: input.source,
    mail_from: input.mailFrom,
    envelope_from: input.envelopeFrom ?? null,
    from_domain: input.fromDomain ?? null,
    from_header: input.fromHeader,
    subject: input.subject,
    message_id_header: input.messageIdHeader,
    size: input.raw.length,
    raw: input.raw,
    tags: JSON.stringify(input.tags),
    metadata: JSON.stringify(input.metadata),
    created_at: now,
  };
  const prefixes = input.perRecipient?.headerPrefixes;
  const recipientRows = recipients.map((r, i) => ({
    id: r.id,
    message_id: messageId,
    account_id: input.accountId,
    email: r.email,
    domain: domainOf(r.email),
    status: r.suppressed ? 'suppressed' : 'queued',
    attempts: 0,
    next_attempt_at: now,
    // Only messages with per-recipient lines have the column: the others insert as before.
    ...(prefixes ? { header_prefix: prefixes[i] ?? null } : {}),
    created_at: now,
    updated_at: now,
  }));
  const queuedData = JSON.stringify({ source: input.source });
  // A suppressed recipient's only event says why it was not sent.
  const events = recipients.map((r) => ({
    id: newId('evt', now),
    account_id: input.accountId,
    message_id: messageId,
    recipient_id: r.id,
    recipient: r.email,
    type: r.suppressed ? 'suppressed' : 'queued',
    data: r.suppressed ? JSON.stringify({ source: input.source, reason: r.suppressed }) : queuedData,
    created_at: now,
  }));
  return { inserted, message, recipients: recipientRows, events };
}

export function idempotencyRow(accountId: string, key: string, requestHash: string, inserted: InsertedMessage, now: number) {
  return {
    account_id: accountId,
    key,
    request_hash: requestHash,
    message_id: inserted.messageId,
    response: JSON.stringify(inserted),
    created_at: now,
  };
}

/** The guarded recipient update, the attempt row and the `sent`/outcome events of one attempt. */
export function attemptRows(row: RecipientRow, result: SendResult, decision: AttemptDecision, now: number) {
  const response = result.response.slice(0, 2000);
  const recipient = {
    status: decision.status,
    attempts: row.attempts + 1,
    next_attempt_at: decision.nextAttemptAt ?? row.next_attempt_at,
    lease_owner: null,
    lease_expires_at: null,
    last_response: response,
    updated_at: now,
  };
  const attempt = {
    id: newId('att', now),
    recipient_id: row.id,
    message_id: row.message_id,
    outcome: result.action,
    category: result.category,
    response,
    response_code: result.responseCode,
    enhanced_status: result.enhancedStatus,
    mx_host: result.mxHost,
    mx_ip: result.mxIp,
    tls: result.tls,
    duration_ms: Math.round(result.durationMs),
    created_at: now,
  };
  const data: { type: string; data: Record<string, unknown> }[] = [];
  if (row.attempts === 0) data.push({ type: 'sent', data: {} });
  data.push({
    type: decision.status,
    data: {
      response,
      response_code: result.responseCode,
      enhanced_status: result.enhancedStatus,
      category: result.category,
      mx_host: result.mxHost,
      tls: result.tls,
      attempt: row.attempts + 1,
      ...(decision.nextAttemptAt && decision.status === 'deferred' ? { next_attempt_at: decision.nextAttemptAt } : {}),
      ...(decision.reason ? { reason: decision.reason } : {}),
    },
  });
  const events = data.map((e, i) => ({
    id: newId('evt', now + i),
    account_id: row.account_id,
    message_id: row.message_id,
    recipient_id: row.id,
    recipient: row.email,
    type: e.type,
    data: JSON.stringify(e.data),
    created_at: now,
  }));
  return { recipient, attempt, events };
}

/**
 * The lease claim. PostgreSQL: SKIP LOCKED lets several relay instances claim disjoint rows
 * without waiting on each other. SQLite has one writer at a time, so the plain form is atomic.
 */
export function claimSql(dialect: 'sqlite' | 'postgres', excludedDomains = 0): string {
  // Domains the throttle holds back are left out, so their backlog never fills the claim.
  const exclude = excludedDomains > 0 ? `AND domain NOT IN (${new Array<string>(excludedDomains).fill('?').join(', ')})` : '';
  return `UPDATE recipients SET status = 'sending', lease_owner = ?, lease_expires_at = ?, updated_at = ?
         WHERE id IN (
           SELECT id FROM recipients
           WHERE ((status IN ('queued', 'deferred') AND next_attempt_at <= ?)
              OR (status = 'sending' AND lease_expires_at <= ?)) ${exclude}
           ORDER BY next_attempt_at
           LIMIT ? ${dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : ''})
         RETURNING *`;
}

export function byDueTime(rows: RecipientRow[]): RecipientRow[] {
  return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at);
}
