import {
  pino,
  type DestinationStream,
  type Logger,
  type LoggerOptions,
} from 'pino';
import { currentRequest } from './request-context.js';
import { knownSecrets, type SecretRedactor } from './secret-redactor.js';
import { truncateFields, truncateForLog } from './truncate-for-log.js';
import { ObjectSlot } from '../objects/object-slot.js';

/**
 * Header and field paths that may hold credentials. pino replaces their
 * values with "[Redacted]" before a line is written.
 */
const REDACTED_PATHS = [
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
 * Two redactions: by field path (any header or field that is a credential,
 * whatever its value) and, on the finished line, by value (every secret
 * `secrets` knows, wherever it turned up: an error message, a stderr line,
 * a Redis command's arguments). Lines written while serving a request
 * carry its `reqId` (see request-context.ts).
 */
export function createLogger(
  level: LoggerOptions['level'],
  destination?: DestinationStream,
  secrets: SecretRedactor = knownSecrets,
): Logger {
  // No text of a line is longer than MAX_LOGGED_TEXT_BYTES (8 KiB): an
  // upstream, an MCP server or a client cannot make megabyte lines. A long
  // text is redacted before it is cut, so no secret is left cut in two.
  const cut = { beforeCut: (text: string) => secrets.redact(text) };
  const options: LoggerOptions = {
    level,
    base: { service: 'open-responses-gateway' },
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    // Every line written while serving a request carries its id, whichever
    // logger wrote it (Nest's Logger writes through this root logger).
    // Fastify's request.log already binds `reqId`; it is not added twice.
    // The caller's tenant (its key's name) likewise, once auth named it.
    mixin: (fields, _level, logger) => {
      const context = currentRequest();
      if (context === undefined) {
        return {};
      }
      const mixed: { reqId?: string; tenant?: string } = {};
      if (!bindsRequestId(logger)) {
        mixed.reqId = context.reqId;
      }
      if (context.tenant !== undefined && !('tenant' in fields)) {
        mixed.tenant = context.tenant;
      }
      return mixed;
    },
    hooks: {
      streamWrite: (line) => secrets.redact(line),
      // Messages are cut to MAX_LOGGED_TEXT_BYTES, like the fields below.
      logMethod(args, method) {
        const cutArgs = args.map((arg: unknown) =>
          typeof arg === 'string' ? truncateForLog(arg, cut) : arg,
        );
        method.apply(this, cutArgs as Parameters<typeof method>);
      },
    },
    formatters: {
      level: (label) => ({ level: label }),
      log: (fields) => truncateFields(fields, cut),
    },
    serializers: {
      err: (error: Error) =>
        truncateFields(pino.stdSerializers.err(error), cut),
    },
    timestamp: isoTimeByMillisecond,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Whether a logger binds `reqId`, by logger: bindings are set when a child is made. */
const requestIdBound = new ObjectSlot<Logger, boolean>('binds reqId');

/**
 * Whether `logger` (Fastify's request.log, or a child of it) binds `reqId`
 * already: `logger.bindings()` parses its bindings' JSON, so once per logger
 * rather than once per line.
 */
function bindsRequestId(logger: Logger): boolean {
  let bound = requestIdBound.get(logger);
  if (bound === undefined) {
    bound = 'reqId' in logger.bindings();
    requestIdBound.set(logger, bound);
  }
  return bound;
}

let timeMs = Number.NaN;
let timeField = '';

/**
 * pino's isoTime (`,"time":"…Z"`), formatted once per millisecond: under
 * load many lines share one, and `toISOString` is a large part of a line.
 */
export function isoTimeByMillisecond(): string {
  const now = Date.now();
  if (now !== timeMs) {
    timeMs = now;
    timeField = `,"time":"${new Date(now).toISOString()}"`;
  }
  return timeField;
}
