import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * Nest's start-up chatter (one line per module, controller and route) is
 * written at debug, so `info` shows a start-up of a dozen lines.
 */
const START_UP_DETAIL_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
]);

/**
 * Nest's LoggerService on top of pino, so Nest's own messages are JSON lines
 * too. Nest passes the context (class name) as the last string argument.
 * Lines written while serving a request get its `reqId` from the logger's
 * mixin (createLogger).
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    rest: unknown[],
  ): void {
    const context =
      typeof rest[rest.length - 1] === 'string' ? rest.pop() : undefined;
    if (level === 'info' && START_UP_DETAIL_CONTEXTS.has(String(context))) {
      level = 'debug';
    }
    if (message instanceof Error) {
      // Nest's ExceptionHandler reports a failed start-up this way, then exits 1.
      const fatal = context === 'ExceptionHandler';
      this.pino[fatal ? 'fatal' : level](
        { context, err: message },
        fatal ? `start-up failed: ${message.message}` : message.message,
      );
      return;
    }
    // A line below the level costs nothing more (a model call's summary at warn).
    if (!this.pino.isLevelEnabled(level)) {
      return;
    }
    if (message !== null && typeof message === 'object') {
      // Logger.error({ err, ... }, 'text') style: merge the object fields.
      const text = typeof rest[0] === 'string' ? rest[0] : undefined;
      this.pino[level]({ context, ...message }, text);
      return;
    }
    this.pino[level]({ context }, String(message));
  }
}
