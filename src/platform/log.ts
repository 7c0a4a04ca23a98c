import pino, { type Logger } from 'pino';

/**
 * JSON logs through pino. Personal data never reaches a log line: request logs carry the path
 * without its query string (searches carry names and ID numbers) or link tokens, and credentials are redacted.
 */
export type Log = Logger;

export function createLog(level: string): Log {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'req.headers["x-csrf-token"]',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { id?: string; method?: string; url?: string }) => ({
        id: req.id,
        method: req.method,
        // A 43-character segment is a link token (32 random bytes, base64url: /e/<token>): a credential.
        path: req.url?.split('?')[0].replace(/(^|\/)[A-Za-z0-9_-]{43}(?=\/|$)/g, '$1[token]'),
      }),
    },
  });
}
