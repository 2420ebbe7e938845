import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Field names that could carry secrets are redacted wherever they
 * appear, as a second line of defence behind never logging them in the first place.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'relaypress-relay' },
      redact: {
        paths: ['password', 'token', 'authorization', '*.password', '*.token', '*.authorization', 'req.headers.authorization', '*.private_key', '*.privateKeyPem'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export type { Logger };

type LogCall = (fields: Record<string, unknown>, msg: string) => void;

/** The log calls a per-command handler makes. */
export interface CommandLogger {
  info: LogCall;
  warn: LogCall;
  error: LogCall;
}

/**
 * A child logger made only when a line is actually written. pino serializes (and redacts)
 * a child's bindings when the child is created, whatever the level; the SMTP handlers need
 * one per command, and at the usual production levels most of them never log.
 */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): CommandLogger {
  let child: Logger | undefined;
  const at = (level: 'info' | 'warn' | 'error'): LogCall => (fields, msg) => {
    if (!parent.isLevelEnabled(level)) return;
    child ??= parent.child(bindings);
    child[level](fields, msg);
  };
  return { info: at('info'), warn: at('warn'), error: at('error') };
}
