import { parseHeaderFields, type MimeHeader } from '../mime/parse.ts';

/**
 * The machine-readable part of a DSN (RFC 3464 `message/delivery-status`): one block of
 * per-message fields, then one block per recipient, separated by empty lines.
 */

export interface DsnRecipient {
  /** Lower-case address from Final-Recipient (or Original-Recipient when that is all there is). */
  finalRecipient: string | null;
  originalRecipient: string | null;
  /** failed | delayed | delivered | relayed | expanded (lower-case), or null when missing. */
  action: string | null;
  /** RFC 3463 status `5.1.1`, or null when missing or malformed. */
  status: string | null;
  /** The remote reply, e.g. `550 5.1.1 <x@example.com>: Recipient address rejected: User unknown`. */
  diagnostic: string | null;
  remoteMta: string | null;
}

export interface DeliveryStatus {
  reportingMta: string | null;
  recipients: DsnRecipient[];
}

// The type prefix of address and diagnostic fields: `rfc822; a@b`, `smtp; 550 ...`, `dns; mx.example`.
function afterType(value: string | undefined): string | null {
  if (value === undefined) return null;
  const semicolon = value.indexOf(';');
  const text = (semicolon === -1 ? value : value.slice(semicolon + 1)).trim();
  return text === '' ? null : text;
}

function address(value: string | undefined): string | null {
  const text = afterType(value);
  if (!text) return null;
  const bare = text.replace(/^<|>$/g, '').trim().toLowerCase();
  return bare.includes('@') ? bare : null;
}

function field(block: MimeHeader[], name: string): string | undefined {
  return block.find((f) => f.name === name)?.value;
}

const MAX_RECIPIENT_BLOCKS = 100;

export function parseDeliveryStatus(text: string): DeliveryStatus {
  const blocks = text
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((block) => parseHeaderFields(block))
    .filter((block) => block.length > 0);
  const [first, ...rest] = blocks;
  // Some MTAs omit the per-message block; a first block that names a recipient is one.
  const perMessage = first && !field(first, 'final-recipient') ? first : undefined;
  const perRecipient = (perMessage ? rest : blocks).slice(0, MAX_RECIPIENT_BLOCKS);
  return {
    reportingMta: afterType(perMessage && field(perMessage, 'reporting-mta')),
    recipients: perRecipient
      .map((block) => {
        const status = /^([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(field(block, 'status') ?? '');
        const finalRecipient = address(field(block, 'final-recipient'));
        const originalRecipient = address(field(block, 'original-recipient'));
        return {
          finalRecipient: finalRecipient ?? originalRecipient,
          originalRecipient,
          action: field(block, 'action')?.trim().toLowerCase().split(/\s/)[0] ?? null,
          status: status ? `${status[1]}.${Number(status[2])}.${Number(status[3])}` : null,
          diagnostic: afterType(field(block, 'diagnostic-code'))?.slice(0, 1000) ?? null,
          remoteMta: afterType(field(block, 'remote-mta')),
        };
      })
      .filter((r) => r.finalRecipient !== null || r.status !== null),
  };
}
