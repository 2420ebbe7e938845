import { bounceKind } from '../bounces/classify.ts';
import type { EventRow } from '../store/messages.ts';
import { isoTime } from '../iso-time.ts';

/**
 * The public vocabulary of events (docs/webhooks.md) from the rows the relay stores. The
 * store keeps one `bounced` type with its details; readers outside want to know at a glance
 * whether an address is dead (`hard_bounced`) or may recover (`soft_bounced`).
 */
export const PUBLIC_EVENT_TYPES = [
  'queued', 'sent', 'delivered', 'deferred', 'hard_bounced', 'soft_bounced', 'suppressed', 'failed',
  'spam_complaint', 'unsubscribed', 'opened', 'clicked', 'test',
] as const;
export type PublicEventType = (typeof PUBLIC_EVENT_TYPES)[number];

export interface PublicEvent {
  id: string;
  type: PublicEventType;
  created_at: string;
  account_id: string | null;
  message_id: string | null;
  recipient: string | null;
  data: Record<string, unknown>;
}

function parseData(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The public type of a stored event, or null for internal ones that are not published. */
export function publicType(row: Pick<EventRow, 'type' | 'data'>): PublicEventType | null {
  if (row.type === 'bounced') {
    const data = parseData(row.data);
    const kind = typeof data.kind === 'string' ? data.kind : bounceKind(String(data.category ?? 'other'), (data.enhanced_status as string | null) ?? null);
    return kind === 'soft' ? 'soft_bounced' : 'hard_bounced';
  }
  return (PUBLIC_EVENT_TYPES as readonly string[]).includes(row.type) ? (row.type as PublicEventType) : null;
}

export function toPublicEvent(row: EventRow): PublicEvent | null {
  const type = publicType(row);
  if (!type) return null;
  const data = parseData(row.data);
  if (row.type === 'bounced') {
    if (data.source !== 'inbound') {
      data.source = 'delivery';
      data.kind = bounceKind(String(data.category ?? 'other'), (data.enhanced_status as string | null) ?? null);
      data.status = data.enhanced_status ?? null;
      delete data.enhanced_status;
    }
  }
  return { id: row.id, type, created_at: isoTime(Number(row.created_at))!, account_id: row.account_id, message_id: row.message_id, recipient: row.recipient, data };
}
