/**
 * Stable `event` names of the submission front door's log lines. Operators alert on these,
 * so a name is changed only together with the documentation that lists it.
 * Every line also carries `cid` (connection id) and `remoteIp`; lines after AUTH carry
 * `accountId`, lines about a stored message carry `messageId`. Passwords are never logged.
 */
export const SMTP_LOG_EVENTS = {
  listening: 'smtp.listening',
  connected: 'smtp.connected',
  closed: 'smtp.closed',
  trustedNetwork: 'smtp.trusted_network',
  trustedNetworkError: 'smtp.trusted_network.error',
  authSucceeded: 'smtp.auth.succeeded',
  authFailed: 'smtp.auth.failed',
  authLockedOut: 'smtp.auth.locked_out',
  authError: 'smtp.auth.error',
  senderRefused: 'smtp.sender.refused',
  senderCheckError: 'smtp.sender.check_error',
  messageAccepted: 'smtp.message.accepted',
  messageRejected: 'smtp.message.rejected',
  acceptError: 'smtp.message.accept_error',
  dataAborted: 'smtp.data.aborted',
  deadlineExpired: 'smtp.deadline.expired',
  protocolError: 'smtp.protocol.error',
  connectionError: 'smtp.connection.error',
} as const;

export type SmtpLogEvent = (typeof SMTP_LOG_EVENTS)[keyof typeof SMTP_LOG_EVENTS];
