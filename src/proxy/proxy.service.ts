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
import { bearerToken } from '../auth/api-key-auth.hook.js';
import { requestTenant } from '../auth/request-tenant.js';
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
import { PassThroughAccess } from './proxy-access.js';

/**
 * Forwards any /v1 request no feature module handles, to the default upstream
 * or, for `/{upstream}/v1/...`, to the named one, after the caller's key's
 * checks (PassThroughAccess). Bodies stream in both directions, so upstream
 * SSE reaches the client chunk by chunk; only a key with a model list has
 * its request body read whole first, to check its model.
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
    const access = PassThroughAccess.of(
      requestTenant(request),
      destination.target,
      upstreamName,
    );
    let upstream: Dispatcher.ResponseData;
    try {
      access?.assertPathAllowed(destination.pathAndQuery);
      if (
        access?.checksModels &&
        (await this.answeredModels(request, reply, destination, {
          access,
          signal: abort.signal,
        }))
      ) {
        return;
      }
      const body = bodyStream(request);
      upstream = await this.forward(
        request,
        destination,
        access ? await access.checkedBody(body, request.headers) : body,
        abort.signal,
      );
    } catch (error) {
      // A body refused unread is read and dropped, so the connection stays usable.
      bodyStream(request)?.resume();
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
    { target, pathAndQuery }: Destination,
    body: Readable | null,
    signal: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    const policy = {
      forwardClientAuth: this.server.forwardClientAuth,
      forwardClientCredentials: forwardableCredentials(
        request,
        this.server.forwardClientCredentials,
      ),
    };
    return this.llm.forward(
      {
        method: request.method,
        pathAndQuery,
        // forward() adds the target's key, unless the client's is forwarded.
        headers: upstreamRequestHeaders(request.headers, policy),
        keepClientAuth: this.server.forwardClientAuth,
        body,
      },
      signal,
      target,
    );
  }

  /**
   * For a key with a model list: `GET /models/{id}` of a model it may not
   * use is a 404 before any upstream call, and `GET /models` answers the
   * upstream's list (read whole, with the client's Authorization when it
   * is forwarded) with only the models it may use. True when answered.
   * @throws GatewayException not_found, or the upstream's failure.
   */
  private async answeredModels(
    request: FastifyRequest,
    reply: FastifyReply,
    { target, pathAndQuery }: Destination,
    { access, signal }: { access: PassThroughAccess; signal: AbortSignal },
  ): Promise<boolean> {
    if (request.method !== 'GET') {
      return false;
    }
    access.assertModelVisible(pathAndQuery);
    if (!access.isModelList(pathAndQuery)) {
      return false;
    }
    const authorization = request.headers.authorization;
    const list = await this.llm.getJson(
      target,
      pathAndQuery,
      signal,
      this.server.forwardClientAuth && authorization !== undefined
        ? { authorization }
        : {},
    );
    await reply.send(access.visibleModels(list));
    return true;
  }

  private destination(
    url: string,
    upstreamName: string | undefined,
  ): Destination | undefined {
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

/** Where a pass-through request goes. */
interface Destination {
  target: UpstreamTarget;
  pathAndQuery: string;
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

/**
 * FORWARD_CLIENT_CREDENTIALS, without `x-api-key` when that header carried
 * the gateway key (a key was checked and there was no Bearer token): the
 * gateway's key never goes upstream.
 */
function forwardableCredentials(
  request: FastifyRequest,
  configured: readonly string[] | undefined,
): readonly string[] | undefined {
  const gatewayKeyInApiKey =
    requestTenant(request) !== undefined &&
    bearerToken(request.headers.authorization) === undefined;
  return gatewayKeyInApiKey
    ? configured?.filter((name) => name !== 'x-api-key')
    : configured;
}
