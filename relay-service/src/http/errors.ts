import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ERROR_CODES, RelayError, type ErrorCode } from '../errors.ts';

/** Every API error has one shape: `{ error: { code, message, field? } }`. */
export function sendError(res: Response, code: ErrorCode, message?: string, field?: string, details?: Record<string, unknown>): void {
  const spec = ERROR_CODES[code];
  res.status(spec.http).json({ error: { code, message: message ?? spec.message, ...(field ? { field } : {}), ...details } });
}

export function sendRelayError(res: Response, err: RelayError): void {
  // Rate limits say when to come back (RFC 9110 §10.2.3), in the header and in the body.
  if (typeof err.details?.retry_after === 'number') res.set('Retry-After', String(err.details.retry_after));
  sendError(res, err.code, err.message, err.field, err.details);
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** Last middleware: known errors become their API error, anything else a logged 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof RelayError) return sendRelayError(res, err);
    const e = err as BodyParserError;
    if (e?.type === 'entity.parse.failed') return sendError(res, 'invalid_json');
    if (e?.type === 'entity.too.large') return sendError(res, 'message_too_large', 'The request body exceeds the size limit');
    if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return sendError(res, 'validation_failed', e.message);
    logger.error({ event: 'http.internal_error', err, method: req.method, path: req.path }, 'unhandled error in HTTP request');
    sendError(res, 'internal_error');
  };
}
