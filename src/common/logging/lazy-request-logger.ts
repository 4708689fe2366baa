import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino';

type LogArguments = [object: unknown, message?: string, ...rest: unknown[]];

/**
 * Fastify's `request.log` and `reply.log`: the child of the gateway's
 * logger that binds the request id, made when the request first writes a
 * line at a level that is on, not when the request arrives. Fastify makes
 * one per request, and a pino child copies its bindings through the
 * redaction when it is made: most requests write no line of their own
 * (none at `warn` unless something fails), so they no longer pay for it.
 */
export class LazyRequestLogger implements FastifyBaseLogger {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  get level(): string {
    return (this.made ?? this.parent).level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  isLevelEnabled(level: Level): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level);
  }

  trace(...args: LogArguments): void {
    this.write('trace', args);
  }

  debug(...args: LogArguments): void {
    this.write('debug', args);
  }

  info(...args: LogArguments): void {
    this.write('info', args);
  }

  warn(...args: LogArguments): void {
    this.write('warn', args);
  }

  error(...args: LogArguments): void {
    this.write('error', args);
  }

  fatal(...args: LogArguments): void {
    this.write('fatal', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger().child(bindings, options);
  }

  private write(level: Level, args: LogArguments): void {
    if (this.isLevelEnabled(level)) {
      const logger = this.logger();
      const method: (...line: LogArguments) => void = logger[level];
      method.apply(logger, args);
    }
  }

  private logger(): Logger {
    this.made ??= this.parent.child(this.bindings);
    return this.made;
  }
}

/**
 * Fastify's `childLoggerFactory` for the gateway's pino logger: a
 * LazyRequestLogger, or the child at once when the route sets its own
 * level or serializers (no gateway route does).
 */
export function lazyRequestLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  const parent = logger as Logger;
  return options.level === undefined && options.serializers === undefined
    ? new LazyRequestLogger(parent, bindings)
    : parent.child(bindings, options);
}
