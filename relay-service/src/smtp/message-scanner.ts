/**
 * Streaming checks on a submitted message, after smtp-server has removed the DATA dot
 * stuffing: lone CR or LF bytes and over-long lines. Fed chunk by chunk so a CR at the end
 * of one chunk and an LF at the start of the next still count as one CRLF.
 *
 * Why bare line endings are refused rather than repaired: SMTP smuggling works by hiding
 * `<LF>.<LF>` (or a CR variant) plus a second MAIL FROM inside one message, relying on a
 * later hop that treats the lone LF as a line end. smtp-server itself only ends DATA on
 * `<CRLF>.<CRLF>`, so here the smuggled text stays inside the one message; refusing that
 * message whole means it can never reach a hop that would split it.
 */

const CR = 0x0d;
const LF = 0x0a;

/** RFC 5322 section 2.1.1: at most 998 octets before the CRLF. */
export const MAX_LINE_OCTETS = 998;

export interface ScanVerdict {
  bareLineEnding: boolean;
  lineTooLong: boolean;
}

export class MessageScanner {
  #previous = -1;
  #lineLength = 0;
  #bareLineEnding = false;
  #lineTooLong = false;
  readonly #maxLineOctets: number;

  constructor(maxLineOctets: number = MAX_LINE_OCTETS) {
    this.#maxLineOctets = maxLineOctets;
  }

  push(chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.#previous === CR && byte !== LF) this.#bareLineEnding = true;
      if (byte === LF) {
        if (this.#previous !== CR) this.#bareLineEnding = true;
        this.#lineLength = 0;
      } else if (byte !== CR) {
        this.#lineLength += 1;
        if (this.#lineLength > this.#maxLineOctets) this.#lineTooLong = true;
      }
      this.#previous = byte;
    }
  }

  finish(): ScanVerdict {
    // A trailing CR cannot happen after a proper <CRLF>.<CRLF>, but a stream cut short could end on one.
    if (this.#previous === CR) this.#bareLineEnding = true;
    return { bareLineEnding: this.#bareLineEnding, lineTooLong: this.#lineTooLong };
  }
}
