import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import {
  GatewayException,
  toOpenAiError,
} from '../common/errors/gateway.exception.js';
import { normalizeError } from '../common/errors/normalize-error.js';
import { serverConfig } from '../config/server.config.js';
import { LlmClientService } from '../llm-client/llm-client.service.js';
import { UpstreamRegistry } from '../llm-client/upstream-registry.service.js';
import {
  originForm,
  pathBelowVersion,
  type UpstreamTarget,
} from '../config/upstreams/upstream-target.js';
import { isAbortError } from '../llm-client/upstream-errors.js';
import {
  clientResponseHeaders,
  upstreamRequestHeaders,
} from './forward-headers.js';

/**
 * Forwards any /v1 request no feature module handles, to the default upstream
 * or, for `/{upstream}/v1/...`, to the named one. Bodies stream in both
 * directions, never buffered, so upstream SSE reaches the client chunk by chunk.
 */
@Injectable()
export class ProxyService {
  private readonly logger = new Logger(ProxyService.name);

  constructor(
    private readonly llm: LlmClientService,
    private readonly registry: UpstreamRegistry,
    @Inject(serverConfig.KEY)
    private readonly server: ConfigType<typeof serverConfig>,
  ) {}

  /** Forwards one request; `upstreamName` comes from a `/{upstream}/v1/*` path. */
  async handle(
    request: FastifyRequest,
    reply: FastifyReply,
    upstreamName?: string,
  ): Promise<void> {
    const destination = this.destination(request.url, upstreamName);
    if (!destination) {
      const missing = new GatewayException(
        'not_found',
        `The upstream '${upstreamName}' does not exist.`,
        { openAiCode: 'upstream_not_found' },
      );
      return sendError(reply, missing);
    }
    const abort = new AbortController();
    // The client going away destroys the upstream request too.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) {
        abort.abort();
      }
    });
    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await this.forward(request, destination, abort.signal);
    } catch (error) {
      if (isAbortError(error)) {
        this.logger.debug('client disconnected before the upstream answered');
        return;
      }
      return sendError(reply, normalizeError(error));
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

  private forward(
    request: FastifyRequest,
    { target, pathAndQuery }: { target: UpstreamTarget; pathAndQuery: string },
    signal: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    const policy = {
      forwardClientAuth: this.server.forwardClientAuth,
      forwardClientCredentials: this.server.forwardClientCredentials,
    };
    return this.llm.forward(
      {
        method: request.method,
        pathAndQuery,
        // forward() adds the target's key, unless the client's is forwarded.
        headers: upstreamRequestHeaders(request.headers, policy),
        keepClientAuth: this.server.forwardClientAuth,
        body: bodyStream(request),
      },
      signal,
      target,
    );
  }

  private destination(
    url: string,
    upstreamName: string | undefined,
  ): { target: UpstreamTarget; pathAndQuery: string } | undefined {
    if (upstreamName === undefined) {
      return {
        target: this.registry.defaultTarget,
        pathAndQuery: pathBelowVersion(url),
      };
    }
    const target = this.registry.target(upstreamName);
    if (!target) {
      return undefined;
    }
    // Drop the `/{upstream}` segment as the client wrote it (percent-encoded).
    return {
      target,
      pathAndQuery: pathBelowVersion(originForm(url).replace(/^\/[^/?]*/, '')),
    };
  }
}

/** The unparsed request body, when the request has one. */
function bodyStream(request: FastifyRequest): Readable | null {
  const body = request.body as Readable | undefined;
  return body && typeof body.pipe === 'function' ? body : null;
}

async function sendError(
  reply: FastifyReply,
  error: GatewayException,
): Promise<void> {
  const { status, body } = toOpenAiError(error);
  await reply.status(status).send(body);
}
