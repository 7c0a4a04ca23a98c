import pino, { type Logger } from 'pino';

/**
 * JSON logs through pino. Personal data never reaches a log line: request logs carry the path
 * without its query string (searches carry names and ID numbers), and credentials are redacted.
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
        path: req.url?.split('?')[0],
      }),
    },
  });
}
