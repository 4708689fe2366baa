import { Module } from '@nestjs/common';
import { InFlightRequests } from './in-flight-requests.service.js';
import { LifecycleStateService } from './lifecycle-state.service.js';

/**
 * The process's lifecycle state (ready, draining, grace period over) and the
 * in-flight request count that graceful shutdown waits on.
 */
@Module({
  providers: [InFlightRequests, LifecycleStateService],
  exports: [InFlightRequests, LifecycleStateService],
})
export class LifecycleModule {}
