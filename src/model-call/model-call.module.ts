import { Global, Module } from '@nestjs/common';
import { ModelCallService } from './model-call.service.js';

/** Provides ModelCallService, the one way to call a model, to every feature module. */
@Global()
@Module({
  providers: [ModelCallService],
  exports: [ModelCallService],
})
export class ModelCallModule {}
