import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { LifecycleStateService } from '../lifecycle/lifecycle-state.service.js';
import { UpstreamHealthService } from './upstream-health.service.js';

@Global()
@Module({
  controllers: [HealthController],
  providers: [LifecycleStateService, UpstreamHealthService],
  exports: [LifecycleStateService],
})
export class HealthModule {}
