import {
  pino,
  type DestinationStream,
  type Logger,
  type LoggerOptions,
} from 'pino';

/**
 * Header and field paths that may hold credentials. pino replaces their
 * values with "[Redacted]" before a line is written.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.authorization',
  '*.apiKey',
  '*.api_key',
  '*.key',
  '*.token',
  '*.password',
  '*.secret',
  'apiKey',
  'api_key',
];

/**
 * The one pino instance that Fastify and Nest both log through. It writes to
 * stdout unless given another `destination` (tests capture lines this way).
 */
export function createLogger(
  level: LoggerOptions['level'],
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'open-responses-gateway' },
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
