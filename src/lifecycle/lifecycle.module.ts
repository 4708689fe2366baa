import { Global, Module } from '@nestjs/common';
import { InFlightRequests } from './in-flight-requests.service.js';

/** The in-flight request count that graceful shutdown waits on. */
@Global()
@Module({
  providers: [InFlightRequests],
  exports: [InFlightRequests],
})
export class LifecycleModule {}
