// mailauth ships no types for its internal signer class; sign.ts uses it (not the public
// dkimSign) because it needs to adjust the parsed header list before signing. Only what
// sign.ts touches is declared.
declare module 'mailauth/lib/dkim/dkim-signer.js' {
  import type { Writable } from 'node:stream';
  import type { DKIMSignOptions, DKIMSignError, DKIMSignWarning } from 'mailauth';

  export interface ParsedHeaderLine {
    /** Lower-cased field name. */
    key: string | null;
    /** Field name as written in the message; sign mode joins these into the h= tag. */
    casedKey: string | undefined;
    line: Buffer;
  }

  export interface ParsedHeaders {
    parsed: ParsedHeaderLine[];
    original: Buffer;
  }

  export class DkimSigner extends Writable {
    constructor(options: DKIMSignOptions);
    messageHeaders(headers: ParsedHeaders): Promise<void>;
    signatureHeaders: string[];
    errors: DKIMSignError[];
    warnings: DKIMSignWarning[];
  }
}
