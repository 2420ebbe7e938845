/**
 * DKIM "relaxed" canonicalization (RFC 6376 §3.4.2 and §3.4.4), on latin1 strings so
 * every octet maps to one character and back unchanged.
 */

/** Relaxed body: WSP runs to one SP, no WSP at line ends, no empty lines at the end. */
export function relaxedBody(body: string): string {
  let text = body.replace(/[ \t]+\r\n/g, '\r\n').replace(/[ \t]+/g, ' ');
  // A body that does not end with CRLF is treated as if it did (§3.4.4).
  if (text !== '' && !text.endsWith('\r\n')) text += '\r\n';
  text = text.replace(/(\r\n)+$/, '\r\n');
  // An empty body (or one of only empty lines) canonicalizes to nothing at all.
  return text === '\r\n' ? '' : text.replace(/[ \t]+\r\n/g, '\r\n');
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;
const EMPTY = Buffer.alloc(0);

/**
 * The relaxed body straight from the message bytes when they are already in relaxed form
 * apart from trailing empty lines (the usual case: generated mail has single spaces and no
 * trailing blanks), or null when relaxedBody() must rewrite them. Hashing the bytes in
 * place saves several string copies of every body on the hot path.
 */
export function relaxedBodyInPlace(body: Buffer): Buffer | null {
  let end = body.length;
  while (end >= 2 && body[end - 2] === CR && body[end - 1] === LF) end -= 2;
  if (end === 0) return EMPTY;
  // A body that does not end with CRLF gains one in relaxed form: leave that to the slow path.
  if (end === body.length) return null;
  for (let i = 0; i < end; i++) {
    const c = body[i];
    if (c === TAB) return null;
    if (c === SP) {
      const next = body[i + 1];
      if (next === SP || next === CR || next === LF) return null;
    }
  }
  return body.subarray(0, end + 2);
}

/** Relaxed header field: lower-case name, unfolded value with WSP runs as one SP, trimmed. */
export function relaxedHeader(name: string, value: string): string {
  const unfolded = value.replace(/\r\n(?=[ \t])/g, '').replace(/[ \t]+/g, ' ').trim();
  return `${name.trim().toLowerCase()}:${unfolded}`;
}

export interface RawHeaderField {
  /** Name as written. */
  name: string;
  /** Everything after the first colon, folding kept. */
  value: string;
}

/** The header fields of a message (latin1 text), top to bottom, with their folding kept. */
export function headerFields(headerBlock: string): RawHeaderField[] {
  const fields: RawHeaderField[] = [];
  for (const line of headerBlock.split(/\r\n(?![ \t])/)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon), value: line.slice(colon + 1) });
  }
  return fields;
}

/**
 * The canonical header lines a signature with this `h=` list covers (§5.4.2): each listed
 * name takes the bottom-most instance not yet used; a name with no instance left (as for
 * over-signing) contributes nothing.
 */
export function selectSignedHeaders(fields: RawHeaderField[], signedNames: string[]): string {
  const remaining = new Map<string, RawHeaderField[]>();
  for (const field of fields) {
    const key = field.name.trim().toLowerCase();
    const list = remaining.get(key);
    if (list) list.push(field);
    else remaining.set(key, [field]);
  }
  let out = '';
  for (const name of signedNames) {
    const field = remaining.get(name.toLowerCase())?.pop();
    if (field) out += relaxedHeader(field.name, field.value) + '\r\n';
  }
  return out;
}
