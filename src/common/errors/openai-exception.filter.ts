import {
  Catch,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { toOpenAiError } from './gateway.exception.js';
import { isAbortError } from './is-abort-error.js';
import { normalizeError } from './normalize-error.js';

/**
 * Renders every error as `{"error":{"message","type","param","code"}}`.
 * Registered once, globally, by configureApp.
 */
@Catch()
export class OpenAiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(OpenAiExceptionFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (isAbortError(error) || reply.raw.destroyed) {
      // The client went away and our upstream call was cancelled with it:
      // normal, and there is nobody left to answer.
      this.logger.debug('client disconnected before the answer was ready');
      return;
    }
    const exception = normalizeError(error);
    const { status, body } = toOpenAiError(exception);
    const retryAfter = exception.options.retryAfterSeconds;
    if (retryAfter !== undefined) {
      // A deliberate refusal the client is told to retry (the memory
      // budget): expected under load, so one line without a stack.
      (reply.log ?? this.logger).warn(
        { status, code: body.error.code },
        exception.message,
      );
    } else if (status >= 500) {
      // The request's own logger: the line carries its request id.
      (reply.log ?? this.logger).error(
        { err: exception.options.cause ?? exception, status },
        exception.message,
      );
    }
    // A stream that already started reports its errors in-band; the socket
    // may also be gone. Either way, there is nothing left to write here.
    if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) {
      return;
    }
    if (retryAfter !== undefined) {
      void reply.header('retry-after', String(retryAfter));
    }
    void reply.status(status).send(body);
  }
}
