import { Router } from 'express';
import { RelayError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import { route } from '../async-route.ts';

/**
 * `POST /v1/privacy/erase {"email"}`: a data-subject request. Removes the address from the
 * account's messages, events and attempts (store/retention.ts says exactly how) and answers
 * with what was removed. Suppressions are kept (they honour an opt-out) and listed in the
 * answer so the site owner can remove them too if the request asks for it.
 */
export function privacyRouter(store: Store): Router {
  const router = Router();
  router.post('/v1/privacy/erase', route(async (req, res) => {
    const email = (req.body as Record<string, unknown> | undefined)?.email;
    if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email.trim())) throw new RelayError('validation_failed', 'email must be an email address', 'email');
    const accountId = res.locals.accountId as string;
    const result = await store.retention.eraseRecipient(accountId, email.trim());
    const kept = await store.suppressions.suppressedAmong(accountId, [email.trim().toLowerCase()]);
    res.json({ ...result, suppression_kept: kept.size > 0 });
  }));
  return router;
}
