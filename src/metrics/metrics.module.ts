import { Global, Module } from '@nestjs/common';
import { MetricsPortServer } from './metrics-port.server.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** MetricsService for every module, and `GET /metrics` (on METRICS_PORT when set). */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsPortServer],
  exports: [MetricsService],
})
export class MetricsModule {}
