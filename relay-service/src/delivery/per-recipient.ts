import type { RecipientRow } from '../store/messages.ts';
import type { OutboundMessage, SendResult } from './types.ts';

type Deliver = (message: OutboundMessage) => Promise<SendResult[]>;

/**
 * Hands the rows of one message at one domain to `deliver`. Rows without a header prefix
 * share one SMTP transaction, as always; a row with one (its own List-Unsubscribe and the
 * DKIM signature over it) is its own transaction, with the prefix in front of the shared
 * bytes, since one DATA can carry only one version of the header. Results come back in the
 * order of `rows`.
 */
export async function deliverRows(deliver: Deliver, rows: RecipientRow[], mailFrom: string, raw: Buffer, localAddress?: string): Promise<SendResult[]> {
  const domain = rows[0]!.domain;
  if (!rows.some((r) => r.header_prefix)) {
    return deliver({ queueIds: rows.map((r) => r.id), mailFrom, recipients: rows.map((r) => r.email), domain, raw, localAddress });
  }
  const shared = rows.filter((r) => !r.header_prefix);
  const own = rows.filter((r) => r.header_prefix);
  // Concurrent, but never past the connection pool's limit per MX host.
  const [sharedResults, ownResults] = await Promise.all([
    shared.length ? deliver({ queueIds: shared.map((r) => r.id), mailFrom, recipients: shared.map((r) => r.email), domain, raw, localAddress }) : [],
    Promise.all(own.map(async (r) => (await deliver({
      queueIds: [r.id], mailFrom, recipients: [r.email], domain, raw: Buffer.concat([Buffer.from(r.header_prefix!, 'latin1'), raw]), localAddress,
    }))[0]!)),
  ]);
  const byId = new Map<string, SendResult | undefined>();
  shared.forEach((r, i) => byId.set(r.id, sharedResults[i]));
  own.forEach((r, i) => byId.set(r.id, ownResults[i]));
  return rows.map((r) => byId.get(r.id)!);
}
