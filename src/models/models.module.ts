import { Module } from '@nestjs/common';
import { ModelsController } from './models.controller.js';
import { ModelsService } from './models.service.js';

/** The aggregated model list of every upstream. */
@Module({
  controllers: [ModelsController],
  providers: [ModelsService],
})
export class ModelsModule {}
