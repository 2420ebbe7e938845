import { RelayError } from '../errors.ts';
import { headerValue, type HeaderField } from '../accept/headers.ts';

/**
 * How an SMTP client (which has no JSON body to put a flag in) asks for unsubscribe headers
 * or refuses them: `yes` or `no`. The relay removes the field before signing, so it never
 * reaches a recipient.
 */
export const UNSUBSCRIBE_CONTROL_HEADER = 'X-RelayPress-Unsubscribe';

const CONTROL_VALUES: Record<string, boolean> = { yes: true, no: false };

/** The choice the control header makes: true, false, undefined (absent); a bad value is refused. */
export function unsubscribeControl(fields: HeaderField[]): boolean | undefined {
  const value = headerValue(fields, UNSUBSCRIBE_CONTROL_HEADER);
  if (value === undefined) return undefined;
  const choice = CONTROL_VALUES[value.trim().toLowerCase()];
  if (choice === undefined) throw new RelayError('invalid_message', `${UNSUBSCRIBE_CONTROL_HEADER} must be "yes" or "no"`, UNSUBSCRIBE_CONTROL_HEADER);
  return choice;
}

/** The message without any instance of the field `name` (continuation lines included); the body untouched. */
export function withoutHeaderField(raw: Buffer, name: string): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  const headEnd = end === -1 ? raw.length : end + 2;
  const lines = raw.toString('latin1', 0, headEnd).split('\r\n');
  // A head ending in CRLF splits into a last empty string: the CRLF, put back by the join.
  const endsWithCrlf = lines.at(-1) === '';
  if (endsWithCrlf) lines.pop();
  const lower = name.toLowerCase();
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (!line.startsWith(' ') && !line.startsWith('\t')) {
      const colon = line.indexOf(':');
      dropping = colon > 0 && line.slice(0, colon).trim().toLowerCase() === lower;
    }
    if (!dropping) kept.push(line);
  }
  const head = kept.join('\r\n') + (endsWithCrlf && kept.length > 0 ? '\r\n' : '');
  return Buffer.concat([Buffer.from(head, 'latin1'), raw.subarray(headEnd)]);
}

/**
 * The two fields RFC 8058 asks for: one HTTPS URI to POST to, and the marker that tells the
 * mailbox provider a POST of `List-Unsubscribe=One-Click` unsubscribes without a page visit.
 * They go in front of the shared message, as complete lines, and are covered by the signature.
 */
export function unsubscribeHeaderLines(url: string): string {
  return `List-Unsubscribe: <${url}>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n`;
}
