import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { toOpenAiError } from '../common/errors/gateway.exception.js';
import { normalizeError } from '../common/errors/normalize-error.js';
import { serverConfig } from '../config/server.config.js';
import { LlmClientService } from '../llm-client/llm-client.service.js';
import { pathBelowVersion } from '../llm-client/upstream-target.js';
import { isAbortError } from '../llm-client/upstream-errors.js';
import {
  clientResponseHeaders,
  upstreamRequestHeaders,
} from './forward-headers.js';

/**
 * Forwards any /v1 request no feature module handles. Bodies stream in both
 * directions, never buffered, so upstream SSE reaches the client chunk by chunk.
 */
@Injectable()
export class ProxyService {
  private readonly logger = new Logger(ProxyService.name);

  constructor(
    private readonly llm: LlmClientService,
    @Inject(serverConfig.KEY)
    private readonly server: ConfigType<typeof serverConfig>,
  ) {}

  async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const abort = new AbortController();
    // The client going away destroys the upstream request too.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) {
        abort.abort();
      }
    });
    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await this.llm.forward(
        {
          method: request.method,
          pathAndQuery: pathBelowVersion(request.url),
          headers: upstreamRequestHeaders(request.headers, {
            upstreamApiKey: this.llm.defaultTarget.apiKey,
            forwardClientAuth: this.server.forwardClientAuth,
          }),
          body: bodyStream(request),
        },
        abort.signal,
      );
    } catch (error) {
      if (isAbortError(error)) {
        this.logger.debug('client disconnected before the upstream answered');
        return;
      }
      const { status, body } = toOpenAiError(normalizeError(error));
      await reply.status(status).send(body);
      return;
    }
    upstream.body.on('error', (error) => {
      if (!isAbortError(error)) {
        this.logger.warn({ err: error }, 'upstream body failed mid-stream');
      }
    });
    await reply
      .status(upstream.statusCode)
      .headers(clientResponseHeaders(upstream.headers))
      .send(upstream.body);
  }
}

/** The unparsed request body, when the request has one. */
function bodyStream(request: FastifyRequest): Readable | null {
  const body = request.body as Readable | undefined;
  return body && typeof body.pipe === 'function' ? body : null;
}
