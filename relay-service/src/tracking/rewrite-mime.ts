import { header, parseMime, decodeBody, type MimePart } from '../mime/parse.ts';

/**
 * Applies an HTML rewrite to every HTML body of a message: a bare text/html message or the
 * text/html leaves of its multiparts (not attachments, not messages attached inside it).
 * A rewritten part is re-encoded as base64 with its Content-Transfer-Encoding header
 * replaced; every other byte of the message is kept. Parts in charsets other than UTF-8,
 * US-ASCII and Latin-1 are left alone rather than risk mangling them.
 */
const CHARSETS: Record<string, BufferEncoding> = { 'utf-8': 'utf8', utf8: 'utf8', 'us-ascii': 'utf8', ascii: 'utf8', 'iso-8859-1': 'latin1', latin1: 'latin1' };

function htmlLeaves(part: MimePart, out: MimePart[]): MimePart[] {
  if (part.type === 'message/rfc822' || part.type === 'message/global') return out;
  if (part.parts.length > 0) {
    for (const child of part.parts) htmlLeaves(child, out);
    return out;
  }
  const disposition = (header(part.headers, 'content-disposition') ?? '').toLowerCase();
  if (part.type === 'text/html' && !disposition.startsWith('attachment')) out.push(part);
  return out;
}

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** The part's header block with Content-Transfer-Encoding set to base64 (CRLF line ends). */
function headWithBase64(raw: Buffer, part: MimePart): string {
  const head = raw.subarray(part.start, part.bodyStart).toString('latin1');
  const lines = head.replace(/\r?\n$/, '').replace(/\r?\n\r?\n$/, '').split(/\r?\n/);
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && skipping) continue;
    skipping = /^content-transfer-encoding\s*:/i.test(line);
    if (!skipping) kept.push(line);
  }
  kept.push('Content-Transfer-Encoding: base64');
  return `${kept.join('\r\n')}\r\n\r\n`;
}

export function rewriteMessageHtml(raw: Buffer, rewrite: (html: string) => string): { raw: Buffer; parts: number } {
  const { root } = parseMime(raw);
  const leaves = htmlLeaves(root, []).filter((p) => CHARSETS[(p.params.charset ?? 'us-ascii').toLowerCase()] !== undefined);
  if (leaves.length === 0) return { raw, parts: 0 };
  const pieces: Buffer[] = [];
  let at = 0;
  for (const part of leaves) {
    const encoding = CHARSETS[(part.params.charset ?? 'us-ascii').toLowerCase()]!;
    const html = rewrite(decodeBody(part).toString(encoding));
    pieces.push(raw.subarray(at, part.start));
    pieces.push(Buffer.from(headWithBase64(raw, part), 'latin1'));
    // A multipart child's body ends where the CRLF before the next delimiter begins; a
    // whole-message body runs to the end and gets its own final CRLF.
    pieces.push(Buffer.from(`${base64Lines(Buffer.from(html, encoding))}${part.depth === 0 ? '\r\n' : ''}`, 'latin1'));
    at = part.bodyStart + part.body.length;
  }
  pieces.push(raw.subarray(at));
  return { raw: Buffer.concat(pieces), parts: leaves.length };
}
