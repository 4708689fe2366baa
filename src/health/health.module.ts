import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { LifecycleStateService } from './lifecycle-state.service.js';

@Global()
@Module({
  controllers: [HealthController],
  providers: [LifecycleStateService],
  exports: [LifecycleStateService],
})
export class HealthModule {}
