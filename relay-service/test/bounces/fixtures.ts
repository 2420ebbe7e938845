import { readFileSync } from 'node:fs';

/** Placeholders in fixtures/*.eml: the VERP address, the recipient and the feedback address. */
export const VERP = 'b-0123456789abcdefghjk-0123456789ab@rp.shop.example';
export const RCPT = 'pat@reader.example';

/** A report as it arrives over SMTP (CRLF), with the placeholders filled in. */
export function fixture(name: string, values: { VERP?: string; RCPT?: string; FBL?: string } = {}): Buffer {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
    .replaceAll('{{VERP}}', values.VERP ?? VERP)
    .replaceAll('{{RCPT}}', values.RCPT ?? RCPT)
    .replaceAll('{{FBL}}', values.FBL ?? 'fbl@relay.test');
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'));
}
