import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/**
 * Knows whether the process is draining. On shutdown /ready turns 503 first,
 * so load balancers stop routing new requests while in-flight ones finish.
 */
@Injectable()
export class LifecycleStateService implements BeforeApplicationShutdown {
  private drainingSince: number | null = null;

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  startDraining(): void {
    this.drainingSince ??= Date.now();
  }

  beforeApplicationShutdown(): void {
    this.startDraining();
  }
}
