import { Module } from '@nestjs/common';
import { MetricsPortServer } from './metrics-port.server.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/**
 * The gateway's Prometheus registry (MetricsService) for the modules that
 * import it, and `GET /metrics` (on METRICS_PORT when set).
 */
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsPortServer],
  exports: [MetricsService],
})
export class MetricsModule {}
