/**
 * Sessions from an account's trusted network (store/trusted-networks.ts) are that account
 * from the first command, without AUTH, like Postfix's mynetworks. The identity is looked
 * up at connect and again after STARTTLS, because smtp-server (rightly, RFC 3207 §4.2)
 * forgets everything it knew about the client when TLS starts.
 */
import type { SMTPServerSession } from 'smtp-server';
import type { Logger } from 'pino';
import { lazyChild } from '../log.ts';
import { SMTP_LOG_EVENTS } from './log-events.ts';
import { REPLIES, replyError } from './replies.ts';
import { sessionLogFields, type SubmissionUser } from './session.ts';
import type { SubmissionDeps } from './types.ts';

type Callback = (err?: Error | null) => void;

export function createTrustHandler(deps: Pick<SubmissionDeps, 'trustedAccount'>, logger: Logger) {
  return function establishTrust(session: SMTPServerSession, callback: Callback): void {
    deps.trustedAccount(session.remoteAddress).then(
      (match) => {
        if (match) {
          const user: SubmissionUser = { accountId: match.accountId, username: null, trustedNetwork: match.cidr };
          session.user = user;
          lazyChild(logger, sessionLogFields(session)).info({ event: SMTP_LOG_EVENTS.trustedNetwork, network: match.cidr }, 'client in a trusted network');
        }
        callback();
      },
      (err: unknown) => {
        // Without the answer a trusted client would hear a permanent 530 at MAIL and
        // might bounce its mail; a 421 makes it come back later instead.
        logger.error({ event: SMTP_LOG_EVENTS.trustedNetworkError, err, ...sessionLogFields(session) }, 'trusted network lookup failed');
        callback(replyError(REPLIES.connectTemporaryFailure));
      },
    );
  };
}
