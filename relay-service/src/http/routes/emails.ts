import { Router } from 'express';
import { SendEmailRequest, formatZodError, isRawSendEmailRequest, isTemplateSendEmailRequest, type SendEmailResponse } from '@relaypress/shared-types';
import type { Store } from '../../store/index.ts';
import type { TemplateEngine } from '../../templates/engine.ts';
import { planTemplateSend } from '../../templates/send.ts';
import type { AcceptPipeline } from '../../accept/pipeline.ts';
import { RelayError } from '../../errors.ts';
import { composeMessage } from '../compose.ts';
import { requestHash } from '../canonical-json.ts';
import { route } from '../async-route.ts';
import { sendError } from '../errors.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Turns bare LF (and lone CR) into CRLF: the wire form the queue and DKIM expect. */
export function toCrlf(raw: Buffer): Buffer {
  return Buffer.from(raw.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}

/**
 * `POST /v1/emails`: a structured message (composed here) or a raw RFC 5322 message with
 * its envelope (what the WordPress plugin sends). Answers 202 only after the commit.
 */
export function emailsRouter(deps: { accept: AcceptPipeline; hostname: string; store: Store; templates: TemplateEngine; onAccepted?: () => void }): Router {
  const router = Router();

  router.post('/v1/emails', route(async (req, res) => {
    const key = req.get('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      return sendError(res, 'validation_failed', 'Idempotency-Key must be 1 to 255 printable ASCII characters', 'Idempotency-Key');
    }
    const parsed = SendEmailRequest.safeParse(req.body);
    if (!parsed.success) {
      const f = formatZodError(parsed.error);
      return sendError(res, f.code, f.message, f.field);
    }
    const body = parsed.data;
    const accountId = res.locals.accountId as string;
    const idempotency = key === undefined ? undefined : { key, requestHash: requestHash(req.body) };
    if (isTemplateSendEmailRequest(body)) {
      const plans = await planTemplateSend(deps.store, deps.templates, accountId, body);
      const messages = [];
      for (const [i, plan] of plans.entries()) {
        const composed = await composeMessage(plan, { hostname: deps.hostname });
        // One key per message of a split send, so a retried request replays every one of them.
        const perMessage = idempotency && plans.length > 1 ? { ...idempotency, key: `${idempotency.key}#${i + 1}` } : idempotency;
        messages.push(await deps.accept({ accountId, source: 'http', mailFrom: composed.mailFrom, recipients: composed.recipients, raw: composed.raw, tags: body.tags, metadata: body.metadata, unsubscribe: body.unsubscribe, tracking: body.tracking }, perMessage));
      }
      deps.onAccepted?.();
      const response: SendEmailResponse = {
        id: messages[0]!.messageId,
        recipients: messages.flatMap((m) => m.recipients),
        ...(messages.length > 1 ? { messages: messages.map((m) => ({ id: m.messageId, recipients: m.recipients })) } : {}),
        ...(messages[0]!.sandbox ? { sandbox: true } : {}),
      };
      return res.status(202).json(response);
    }
    let input;
    if (isRawSendEmailRequest(body)) {
      const raw = toCrlf(Buffer.from(body.raw, 'base64'));
      if (raw.indexOf('\r\n\r\n') === -1 && !/^[\x21-\x39\x3b-\x7e]+:/.test(raw.toString('latin1'))) {
        throw new RelayError('invalid_message', 'raw does not decode to an RFC 5322 message (no header block)', 'raw');
      }
      if (raw.includes(0)) throw new RelayError('invalid_message', 'raw contains NUL bytes', 'raw');
      input = { accountId, source: 'http' as const, mailFrom: body.envelope.mail_from, recipients: body.envelope.rcpt_to, raw, tags: body.tags, metadata: body.metadata, unsubscribe: body.unsubscribe, tracking: body.tracking };
    } else {
      const composed = await composeMessage(body, { hostname: deps.hostname });
      input = { accountId, source: 'http' as const, mailFrom: composed.mailFrom, recipients: composed.recipients, raw: composed.raw, tags: body.tags, metadata: body.metadata, unsubscribe: body.unsubscribe, tracking: body.tracking };
    }
    const result = await deps.accept(input, idempotency);
    deps.onAccepted?.();
    const response: SendEmailResponse = { id: result.messageId, recipients: result.recipients, ...(result.sandbox ? { sandbox: true } : {}) };
    res.status(202).json(response);
  }));

  return router;
}
