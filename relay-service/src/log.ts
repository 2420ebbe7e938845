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
