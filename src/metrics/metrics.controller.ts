import {
  Controller,
  Get,
  Header,
  Inject,
  NotFoundException,
  Optional,
  Res,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '../common/http/api-docs-decorators.js';
import type { FastifyReply } from 'fastify';
import { serverConfig } from '../config/server.config.js';
import { MetricsService } from './metrics.service.js';

/**
 * `GET /metrics` for Prometheus. Open without a key, like the probes: it is
 * scraped from inside the cluster and holds no request content. With
 * METRICS_PORT set it lives there (MetricsPortServer), and is not found here.
 */
@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Optional()
    @Inject(serverConfig.KEY)
    private readonly config?: Pick<
      ConfigType<typeof serverConfig>,
      'metricsPort'
    >,
  ) {}

  @Get('metrics')
  @Header('cache-control', 'no-store')
  @ApiOperation({ operationId: 'metrics', summary: 'Prometheus metrics' })
  @ApiOkResponse({
    description: 'The Prometheus text exposition format.',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  async scrape(
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (this.config?.metricsPort !== undefined) {
      throw new NotFoundException('Cannot GET /metrics');
    }
    void reply.header('content-type', this.metrics.contentType);
    return this.metrics.render();
  }
}
