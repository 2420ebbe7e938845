/**
 * A small, bounded MIME reader for the mail the relay receives on its inbound port
 * (bounces and complaint reports). Anyone on the internet can send those, so the reader
 * is built for hostile input: it never recurses deeper than `maxDepth`, never yields more
 * than `maxParts` parts, copies no bytes (parts are views into the original buffer), and
 * treats whatever it cannot understand as an opaque leaf instead of throwing.
 * It reads structure only; decoding a leaf's body is `decodeBody`.
 */

export interface MimeHeader {
  /** Lower-case name. */
  name: string;
  /** Unfolded value, trimmed. */
  value: string;
}

export interface MimePart {
  headers: MimeHeader[];
  /** Lower-case `type/subtype`; `text/plain` when absent or unreadable (RFC 2045 §5.2). */
  type: string;
  /** Content-Type parameters, lower-case names. */
  params: Record<string, string>;
  /** The body as sent (still transfer-encoded). */
  body: Buffer;
  /** Children of a multipart, or the one embedded message of a message/rfc822. */
  parts: MimePart[];
  depth: number;
  /** Where the part (its header block) starts in the parsed buffer. */
  start: number;
  /** Where its body starts in the parsed buffer; the body ends at bodyStart + body.length. */
  bodyStart: number;
}

export interface MimeLimits {
  maxDepth: number;
  maxParts: number;
}

export interface ParsedMime {
  root: MimePart;
  /** True when a limit stopped the reader: deeper or further parts were left unread. */
  truncated: boolean;
}

export const DEFAULT_MIME_LIMITS: MimeLimits = { maxDepth: 8, maxParts: 200 };

// Embedded messages whose own structure we want to read (the original in a DSN or ARF report).
const EMBEDDED_MESSAGE_TYPES = new Set(['message/rfc822', 'message/global']);

/** Header block and body, for CRLF or bare-LF line endings (decoded parts often use LF). */
export function splitHeaderBlock(raw: Buffer): { head: string; body: Buffer } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  // A part that starts with an empty line has no headers at all.
  if (raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a)) return { head: '', body: raw.subarray(raw[0] === 0x0a ? 1 : 2) };
  if (crlf === -1 && lf === -1) return { head: raw.toString('latin1'), body: Buffer.alloc(0) };
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { head: raw.subarray(0, crlf).toString('latin1'), body: raw.subarray(crlf + 4) };
  return { head: raw.subarray(0, lf).toString('latin1'), body: raw.subarray(lf + 2) };
}

/** Header fields of a header block; lines that are neither a field nor a continuation are skipped. */
export function parseHeaderFields(head: string): MimeHeader[] {
  const fields: MimeHeader[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && fields.length > 0) {
      fields[fields.length - 1]!.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

export function header(headers: MimeHeader[], name: string): string | undefined {
  return headers.find((h) => h.name === name)?.value;
}

/** `multipart/report; report-type=delivery-status; boundary="b"` → type and parameters. */
export function parseContentType(value: string | undefined): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  const semicolon = value.indexOf(';');
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const params: Record<string, string> = {};
  const rest = semicolon === -1 ? '' : value.slice(semicolon + 1);
  const param = /\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))\s*;?/g;
  let match: RegExpExecArray | null;
  while ((match = param.exec(rest)) !== null) {
    if (match[0] === '') break;
    params[match[1]!.toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
  }
  return { type: /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : 'text/plain', params };
}

/**
 * The bodies between `--boundary` lines. Returns the parts in order; a missing close
 * delimiter ends the last part at the end of the buffer (truncated bounces are common).
 */
function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const starts: { at: number; next: number; close: boolean }[] = [];
  let from = 0;
  for (;;) {
    const at = body.indexOf(delimiter, from);
    if (at === -1) break;
    from = at + delimiter.length;
    // A delimiter only counts at the start of a line.
    if (at !== 0 && body[at - 1] !== 0x0a) continue;
    const close = body[from] === 0x2d && body[from + 1] === 0x2d;
    const lineEnd = body.indexOf(0x0a, from);
    starts.push({ at, next: lineEnd === -1 ? body.length : lineEnd + 1, close });
    if (close) break;
  }
  const parts: Buffer[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    if (start.close) break;
    const end = starts[i + 1]?.at ?? body.length;
    // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
    let stop = end;
    if (stop > start.next && body[stop - 1] === 0x0a) stop--;
    if (stop > start.next && body[stop - 1] === 0x0d) stop--;
    parts.push(body.subarray(start.next, Math.max(start.next, stop)));
  }
  return parts;
}

export function parseMime(raw: Buffer, limits: MimeLimits = DEFAULT_MIME_LIMITS): ParsedMime {
  let count = 0;
  let truncated = false;

  function read(bytes: Buffer, depth: number, defaultType: string): MimePart {
    count++;
    const { head, body } = splitHeaderBlock(bytes);
    const headers = parseHeaderFields(head);
    const contentType = header(headers, 'content-type');
    const { type, params } = contentType ? parseContentType(contentType) : { type: defaultType, params: {} };
    const part: MimePart = { headers, type, params, body, parts: [], depth, start: bytes.byteOffset - raw.byteOffset, bodyStart: body.byteOffset - raw.byteOffset };
    const wantsChildren = (type.startsWith('multipart/') && params.boundary) || EMBEDDED_MESSAGE_TYPES.has(type);
    if (!wantsChildren) return part;
    if (depth + 1 > limits.maxDepth) {
      truncated = true;
      return part;
    }
    if (EMBEDDED_MESSAGE_TYPES.has(type)) {
      if (count >= limits.maxParts) truncated = true;
      else part.parts.push(read(body, depth + 1, 'text/plain'));
      return part;
    }
    // In multipart/digest the default child type is message/rfc822 (RFC 2046 §5.1.5).
    const childDefault = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    for (const child of splitMultipart(body, params.boundary!)) {
      if (count >= limits.maxParts) {
        truncated = true;
        break;
      }
      part.parts.push(read(child, depth + 1, childDefault));
    }
    return part;
  }

  const root = read(raw, 0, 'text/plain');
  return { root, truncated };
}

/** Every part, depth first, the root included. */
export function* walkParts(part: MimePart): Generator<MimePart> {
  yield part;
  for (const child of part.parts) yield* walkParts(child);
}

/** A leaf's body with its Content-Transfer-Encoding undone (base64, quoted-printable, or as is). */
export function decodeBody(part: MimePart): Buffer {
  const encoding = (header(part.headers, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body);
  return part.body;
}

function decodeQuotedPrintable(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/=\r?\n/g, '');
  const out = Buffer.alloc(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out[length++] = parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      out[length++] = c & 0xff;
    }
  }
  return out.subarray(0, length);
}

/** Decoded text of a leaf (UTF-8, or Latin-1 when the part says so), at most `maxBytes` of it. */
export function partText(part: MimePart, maxBytes = 256 * 1024): string {
  const bytes = decodeBody(part).subarray(0, maxBytes);
  const charset = (part.params.charset ?? '').toLowerCase();
  return bytes.toString(charset === 'iso-8859-1' || charset === 'latin1' || charset === 'windows-1252' ? 'latin1' : 'utf8');
}
