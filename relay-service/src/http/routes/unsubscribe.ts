import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Store } from '../../store/index.ts';
import type { UnsubscribeTokens } from '../../unsubscribe/token.ts';
import { PAGE_HEADERS, confirmationPage, errorPage, goneLinkPage, invalidLinkPage, unsubscribedPage } from '../../unsubscribe/page.ts';
import { route } from '../async-route.ts';

/**
 * The one-click unsubscribe link (RFC 8058), outside the API's authentication: the signed
 * token in the path is the whole credential, and no cookie or session is read or set.
 *
 * - `POST /unsubscribe/:token` unsubscribes at once. Mailbox providers send
 *   `List-Unsubscribe=One-Click` (form-urlencoded or multipart); the body is not read, since
 *   the token alone decides and the confirmation page posts the same thing. A replay answers
 *   "already unsubscribed" and writes nothing.
 * - `GET /unsubscribe/:token` only shows a confirmation with a button: link scanners and
 *   previews follow GETs, and a GET that unsubscribed would unsubscribe people who never asked.
 *
 * A token whose MAC does not check is 404 and costs no database read; a valid token whose row
 * is gone (the message was deleted) is 410. The token and the address are never logged.
 */
export function unsubscribeRouter(deps: { store: Store; tokens: UnsubscribeTokens; logger: Logger }): Router {
  const router = Router();

  function answer(res: Response, status: number, html: string): void {
    res.status(status).set(PAGE_HEADERS).send(html);
  }

  function recipientOf(req: Request, res: Response): string | null {
    const recipientId = deps.tokens.parse(String(req.params.token));
    if (!recipientId) {
      deps.logger.info({ event: 'unsubscribe.invalid_token', method: req.method }, 'unsubscribe link with an invalid token');
      answer(res, 404, invalidLinkPage());
    }
    return recipientId;
  }

  router.get('/unsubscribe/:token', route(async (req, res) => {
    const recipientId = recipientOf(req, res);
    if (!recipientId) return;
    const target = await deps.store.unsubscribes.find(recipientId);
    if (!target) return answer(res, 410, goneLinkPage());
    if (target.unsubscribedAt !== null) return answer(res, 200, unsubscribedPage(target.email, target.fromDomain, true));
    answer(res, 200, confirmationPage(target.email, target.fromDomain));
  }));

  router.post('/unsubscribe/:token', route(async (req, res) => {
    const recipientId = recipientOf(req, res);
    if (!recipientId) return;
    const outcome = await deps.store.unsubscribes.unsubscribe(recipientId);
    if (outcome.kind === 'gone') {
      deps.logger.info({ event: 'unsubscribe.gone', queueId: recipientId }, 'unsubscribe link of a deleted message');
      return answer(res, 410, goneLinkPage());
    }
    const { target } = outcome;
    if (outcome.kind === 'unsubscribed') {
      deps.logger.info(
        { event: 'unsubscribe.recorded', messageId: target.messageId, queueId: target.recipientId, accountId: target.accountId, suppressionCreated: outcome.suppressionCreated },
        'recipient unsubscribed',
      );
    }
    answer(res, 200, unsubscribedPage(target.email, target.fromDomain, outcome.kind === 'already'));
  }));

  // Errors here are logged without the request path (it holds the token) and without the
  // error text (a database error can quote the address it was writing).
  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const e = err as { name?: string; code?: string };
    deps.logger.error({ event: 'unsubscribe.failed', method: req.method, error: e?.name, code: e?.code }, 'unsubscribe request failed');
    answer(res, 500, errorPage());
  };
  router.use('/unsubscribe', onError);
  return router;
}
