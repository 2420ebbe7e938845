import addressparser from 'nodemailer/lib/addressparser';

export interface HeaderField {
  /** Name as written. */
  name: string;
  /** Unfolded value, leading whitespace trimmed. */
  value: string;
}

export interface SplitMessage {
  /** Header block including its final CRLF, excluding the empty separator line. */
  head: Buffer;
  /** Everything after the empty line (may be empty). */
  body: Buffer;
  fields: HeaderField[];
}

const SEPARATOR = Buffer.from('\r\n\r\n');

/** Splits an RFC 5322 message (CRLF line endings) into its header fields and body. */
export function splitMessage(raw: Buffer): SplitMessage {
  let end = raw.indexOf(SEPARATOR);
  let head: Buffer;
  let body: Buffer;
  if (end === -1) {
    // Headers only (no body); a message that does not even end its header block with CRLF
    // is still accepted and treated as all-header.
    head = raw.subarray(0, raw.length);
    body = Buffer.alloc(0);
    if (!head.subarray(-2).equals(Buffer.from('\r\n'))) head = Buffer.concat([head, Buffer.from('\r\n')]);
  } else {
    end += 2;
    head = raw.subarray(0, end);
    body = raw.subarray(end + 2);
  }
  const fields: HeaderField[] = [];
  for (const line of head.toString('latin1').split('\r\n')) {
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) {
      fields[fields.length - 1]!.value += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return { head, body, fields };
}

export function headerValue(fields: HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === lower)?.value;
}

export function countHeader(fields: HeaderField[], name: string): number {
  const lower = name.toLowerCase();
  return fields.filter((f) => f.name.toLowerCase() === lower).length;
}

/** The single address of a From header, or undefined when there is none or several. */
export function fromAddress(value: string): string | undefined {
  const parsed = addressparser(value, { flatten: true }) as { address?: string }[];
  const addresses = parsed.map((a) => a.address).filter((a): a is string => Boolean(a));
  return addresses.length === 1 ? addresses[0] : undefined;
}

/** Decodes header bytes that were read as latin1 back to UTF-8 text (for display fields). */
export function asUtf8(value: string): string {
  return Buffer.from(value, 'latin1').toString('utf8');
}
