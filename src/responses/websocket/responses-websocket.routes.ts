import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import websocket from '@fastify/websocket';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { requestKey } from '../../auth/api-key-auth.hook.js';
import { requestTenant } from '../../auth/request-tenant.js';
import type { OpenAiErrorBody } from '../../common/errors/gateway.exception.js';
import { conversationConfig } from '../../config/conversation.config.js';
import { responsesConfig } from '../../config/responses.config.js';
import { securityConfig } from '../../config/security.config.js';
import { serverConfig } from '../../config/server.config.js';
import { storageConfig } from '../../config/storage.config.js';
import { LifecycleStateService } from '../../lifecycle/lifecycle-state.service.js';
import { RateLimits } from '../../limits/rate-limits.js';
import { MCP_TOOLS_HEADER } from '../../protocol/gateway-headers.js';
import {
  clientAuthorization,
  forwardedAuthHeaders,
} from '../../common/http/client-call-options.js';
import {
  EVENT_NAMING_HEADER,
  eventNamingOf,
} from '../../protocol/event-naming.js';
import { ResponsesService } from '../responses.service.js';
import { ResponsesWebSocketSession } from './responses-websocket.session.js';
import { WEBSOCKET_PATHS } from '../../protocol/gateway-headers.js';

/** The 426 body for a plain GET: clients such as Codex then fall back to HTTP. */
function upgradeRequiredBody(): OpenAiErrorBody {
  return {
    error: {
      message:
        'This endpoint accepts WebSocket connections (Upgrade: websocket) on GET; use POST for HTTP.',
      type: 'invalid_request_error',
      param: null,
      code: 'upgrade_required',
    },
  };
}

/**
 * Responses WebSocket mode: `GET /v1/responses` (and `/responses`) upgraded
 * to a WebSocket, next to Nest's POST route on the same path. Registered as
 * Fastify plugins from onModuleInit, as the proxy routes are, so
 * @fastify/websocket is loaded before its route. The upgrade request goes
 * through Fastify's routing, so the onRequest hooks (API keys, request id,
 * metrics) run on it like on any request. The plugin and its routes live in
 * a context of their own: its hooks (an onRequest and an onResponse) then
 * run on the WebSocket routes only, not on every HTTP request.
 */
@Injectable()
export class ResponsesWebSocketRoutes implements OnModuleInit {
  private readonly logger = new Logger(ResponsesWebSocketRoutes.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly service: ResponsesService,
    @Inject(serverConfig.KEY)
    private readonly server: ConfigType<typeof serverConfig>,
    @Inject(conversationConfig.KEY)
    private readonly conversation: Pick<
      ConfigType<typeof conversationConfig>,
      'maxConversationHistory'
    >,
    @Inject(responsesConfig.KEY)
    private readonly limits: Pick<
      ConfigType<typeof responsesConfig>,
      'wsMaxPendingTurns' | 'wsIdleTimeoutMs'
    >,
    private readonly lifecycle: LifecycleStateService,
    private readonly rateLimits: RateLimits,
    @Inject(securityConfig.KEY)
    private readonly security: Pick<
      ConfigType<typeof securityConfig>,
      'apiKeys'
    >,
    @Inject(storageConfig.KEY)
    private readonly storage: Pick<
      ConfigType<typeof storageConfig>,
      'memoryStoreMaxBytes'
    >,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    closeUpgradesAnsweredOverHttp(fastify);
    void fastify.register(async (scope) => {
      await scope.register(websocket, {
        // One message is one create body: bounded like an HTTP body (a larger
        // one closes the socket with 1009). At most WS_MAX_PENDING_TURNS of
        // them wait behind the running turn.
        options: { maxPayload: this.server.bodyLimitBytes },
      });
      for (const url of WEBSOCKET_PATHS) {
        scope.route({
          method: 'GET',
          url,
          handler: (_request: FastifyRequest, reply: FastifyReply) =>
            reply
              .code(426)
              .header('upgrade', 'websocket')
              .header('connection', 'Upgrade')
              .send(upgradeRequiredBody()),
          wsHandler: (socket: WebSocket, request: FastifyRequest) =>
            this.open(socket, request),
        });
      }
    });
  }

  private open(socket: WebSocket, request: FastifyRequest): void {
    const headers = request.headers;
    const mcpTools = headers[MCP_TOOLS_HEADER];
    // The key of the upgrade is the key of every turn on the socket.
    const tenant = requestTenant(request);
    const token = requestKey(headers);
    const keys = this.security.apiKeys;
    new ResponsesWebSocketSession(socket, this.service, {
      options: {
        headers: forwardedAuthHeaders(
          clientAuthorization(headers),
          this.server.forwardClientAuth,
        ),
        ...(typeof mcpTools === 'string' ? { mcpTools } : {}),
        ...(tenant === undefined ? {} : { tenant }),
      },
      naming: eventNamingOf(
        headers[EVENT_NAMING_HEADER],
        this.service.defaultEventNaming,
      ),
      cacheCapacity: this.conversation.maxConversationHistory,
      cacheMaxBytes: this.storage.memoryStoreMaxBytes,
      maxPendingTurns: this.limits.wsMaxPendingTurns,
      idleTimeoutMs: this.limits.wsIdleTimeoutMs,
      drainSignal: this.lifecycle.drainSignal,
      logger: this.logger,
      requestLog: request.log,
      reqId: String(request.id),
      limits: this.rateLimits,
      // Each turn checks the key again: the key files may have dropped it.
      ...(keys === null || token === undefined || tenant === undefined
        ? {}
        : { currentTenant: () => keys.resolve(token) }),
    });
  }
}

/**
 * An upgrade request answered with HTTP (401, 426, any route that is not a
 * WebSocket one, a 404) must not leave its socket open: the HTTP server no
 * longer tracks it, so it would outlive the server's close.
 * @fastify/websocket closes it on its own routes only.
 */
function closeUpgradesAnsweredOverHttp(fastify: FastifyInstance): void {
  const upgradeSockets = new WeakMap<IncomingMessage, Duplex>();
  fastify.server.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
    upgradeSockets.set(request, socket);
  });
  fastify.addHook('onResponse', (request, _reply, done) => {
    upgradeSockets.get(request.raw)?.destroy();
    done();
  });
}
