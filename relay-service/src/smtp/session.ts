import type { SMTPServerSession } from 'smtp-server';

/**
 * What the relay keeps in smtp-server's `session.user`: set by a successful AUTH, or at
 * connect (and again after STARTTLS) when the client is in a trusted network of the
 * account (`username` null, `trustedNetwork` the matching network).
 */
export interface SubmissionUser {
  accountId: string;
  username: string | null;
  trustedNetwork?: string;
}

/** Fields every log line about a session carries, so lines join up across a session. */
export function sessionLogFields(session: SMTPServerSession): Record<string, string> {
  const fields: Record<string, string> = { cid: session.id, remoteIp: session.remoteAddress };
  const accountId = accountIdOf(session);
  if (accountId) fields.accountId = accountId;
  return fields;
}

export function accountIdOf(session: SMTPServerSession): string | undefined {
  const user = session.user as Partial<SubmissionUser> | undefined;
  return user && typeof user.accountId === 'string' ? user.accountId : undefined;
}
