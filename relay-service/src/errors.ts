/**
 * Every error code the relay reports at a boundary, in one table: the HTTP status the API
 * answers with, and the SMTP reply (code + enhanced status) submission answers with.
 * Front doors never invent codes inline; they look them up here.
 */
export interface ErrorSpec {
  http: number;
  smtp: { code: number; enhanced: string };
  message: string;
}

export const ERROR_CODES = {
  unauthorized: { http: 401, smtp: { code: 535, enhanced: '5.7.8' }, message: 'Authentication credentials are missing or invalid' },
  forbidden: { http: 403, smtp: { code: 550, enhanced: '5.7.1' }, message: 'Not allowed' },
  sender_domain_not_allowed: { http: 403, smtp: { code: 553, enhanced: '5.7.1' }, message: 'The sender domain does not belong to this account' },
  sender_domain_not_verified: { http: 403, smtp: { code: 550, enhanced: '5.7.1' }, message: 'The sender domain is not verified yet' },
  validation_failed: { http: 400, smtp: { code: 501, enhanced: '5.5.4' }, message: 'The request is not valid' },
  invalid_json: { http: 400, smtp: { code: 501, enhanced: '5.5.4' }, message: 'The request body is not valid JSON' },
  invalid_header: { http: 400, smtp: { code: 554, enhanced: '5.6.0' }, message: 'A header value contains CR, LF or NUL' },
  invalid_message: { http: 400, smtp: { code: 554, enhanced: '5.6.0' }, message: 'The message is not a valid RFC 5322 message' },
  message_too_large: { http: 413, smtp: { code: 552, enhanced: '5.3.4' }, message: 'The message exceeds the size limit' },
  too_many_recipients: { http: 400, smtp: { code: 452, enhanced: '4.5.3' }, message: 'Too many recipients' },
  idempotency_conflict: { http: 409, smtp: { code: 554, enhanced: '5.0.0' }, message: 'This Idempotency-Key was used with a different request body' },
  not_found: { http: 404, smtp: { code: 550, enhanced: '5.1.1' }, message: 'Not found' },
  conflict: { http: 409, smtp: { code: 554, enhanced: '5.0.0' }, message: 'The resource already exists' },
  rate_limited: { http: 429, smtp: { code: 451, enhanced: '4.7.1' }, message: 'The account is sending faster than its limit; try again shortly' },
  quota_exceeded: { http: 429, smtp: { code: 451, enhanced: '4.7.1' }, message: 'The account has reached its daily quota' },
  template_error: { http: 422, smtp: { code: 554, enhanced: '5.6.0' }, message: 'The template cannot be parsed or rendered' },
  missing_variable: { http: 422, smtp: { code: 554, enhanced: '5.6.0' }, message: 'The template needs a variable the data does not have' },
  unavailable: { http: 503, smtp: { code: 451, enhanced: '4.3.0' }, message: 'Temporarily unavailable, try again later' },
  internal_error: { http: 500, smtp: { code: 451, enhanced: '4.3.0' }, message: 'Internal error, try again later' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error that carries a code from ERROR_CODES (and, for validation, the offending field). */
export class RelayError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  /** More to say to an API caller, e.g. a template error's line and column. */
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message?: string, field?: string, details?: Record<string, unknown>) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'RelayError';
    this.code = code;
    this.field = field;
    this.details = details;
  }
  get spec(): ErrorSpec {
    return ERROR_CODES[this.code];
  }
}
