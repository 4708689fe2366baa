import { Module } from '@nestjs/common';
import { LlmClientModule } from '../llm-client/llm-client.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ModelsController } from './models.controller.js';
import { ModelsService } from './models.service.js';

/** The aggregated model list of every upstream. */
@Module({
  imports: [LlmClientModule, MetricsModule],
  controllers: [ModelsController],
  providers: [ModelsService],
})
export class ModelsModule {}
