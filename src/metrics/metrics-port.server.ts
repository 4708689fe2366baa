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
import {
  GatewayException,
  toOpenAiError,
} from '../common/errors/gateway.exception.js';
import { serverConfig } from '../config/server.config.js';
import { MetricsService } from './metrics.service.js';

/**
 * `GET /metrics` on METRICS_PORT, apart from the API, when that is set: a
 * plain node:http server (no auth, no body, nothing but the registry), so a
 * Service, an Ingress or a NetworkPolicy can expose the API port alone. It
 * starts with the app and closes with it.
 */
@Injectable()
export class MetricsPortServer
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(MetricsPortServer.name);
  private server?: Server;

  constructor(
    private readonly metrics: MetricsService,
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
    if (path !== '/metrics') {
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
        new GatewayException('method_not_allowed', `Use GET on /metrics`),
      );
    }
    try {
      const text = await this.metrics.render();
      res.writeHead(200, {
        'content-type': this.metrics.contentType,
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : text);
    } catch (error) {
      this.logger.error(error);
      this.fail(
        res,
        new GatewayException('internal', 'Metrics are unavailable'),
      );
    }
  }

  private fail(res: ServerResponse, exception: GatewayException): void {
    const { status, body } = toOpenAiError(exception);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}
