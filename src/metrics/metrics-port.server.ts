import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { once } from 'node:events';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import {
  GatewayException,
  toOpenAiError,
} from '../common/errors/gateway.exception.js';
import { serverConfig } from '../config/server.config.js';
import { MetricsService } from './metrics.service.js';

/** The liveness answer, the same as the API port's `GET /health`. */
const LIVE = JSON.stringify({ status: 'ok' });
/** While the API port does not listen (before it starts, or once it broke). */
const API_DOWN = new GatewayException(
  'service_unavailable',
  'The API port is not listening',
);

/**
 * `GET /metrics` and `GET /health` on METRICS_PORT, apart from the API, when
 * that is set: a plain node:http server (no auth, no body, nothing but the
 * registry and liveness), so a Service, an Ingress or a NetworkPolicy can
 * expose the API port alone. It starts with the app and closes with it.
 *
 * Liveness belongs here, not on the API port: libuv accepts one connection
 * per event-loop turn and listener, so on a gateway saturated by streams new
 * API connections wait in the kernel's accept queue behind each other (16 s
 * and more, bench/LOAD-RESULTS.md), and a probe there would restart a pod
 * that is only busy. This listener's queue holds the probes alone. Its
 * /health still fails while the API server does not listen, so a process
 * that lost its API port is restarted.
 */
@Injectable()
export class MetricsPortServer
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(MetricsPortServer.name);
  private server?: Server;

  constructor(
    private readonly metrics: MetricsService,
    private readonly adapterHost: HttpAdapterHost,
    @Optional()
    @Inject(serverConfig.KEY)
    private readonly config?: Pick<
      ConfigType<typeof serverConfig>,
      'host' | 'metricsPort'
    >,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config?.metricsPort;
    if (port === undefined) {
      return;
    }
    const server = createServer((req, res) => void this.answer(req, res));
    server.listen(port, this.config?.host);
    await once(server, 'listening');
    this.server = server;
    this.logger.log(`metrics on port ${port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    }
  }

  private async answer(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' && path !== '/health') {
      return this.fail(
        res,
        new GatewayException(
          'not_found',
          `Cannot ${req.method ?? 'GET'} ${path}`,
        ),
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return this.fail(
        res,
        new GatewayException('method_not_allowed', `Use GET on ${path}`),
      );
    }
    if (path === '/health') {
      return this.apiListening()
        ? send(req, res, 'application/json', LIVE)
        : this.fail(res, API_DOWN);
    }
    try {
      send(req, res, this.metrics.contentType, await this.metrics.render());
    } catch (error) {
      this.logger.error(error);
      this.fail(
        res,
        new GatewayException('internal', 'Metrics are unavailable'),
      );
    }
  }

  private apiListening(): boolean {
    const server: unknown = this.adapterHost.httpAdapter?.getHttpServer();
    return (server as { listening?: boolean } | undefined)?.listening === true;
  }

  private fail(res: ServerResponse, exception: GatewayException): void {
    const { status, body } = toOpenAiError(exception);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

/** A 200 that is never cached, without its body for HEAD. */
function send(
  req: IncomingMessage,
  res: ServerResponse,
  contentType: string,
  body: string,
): void {
  res.writeHead(200, {
    'content-type': contentType,
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
