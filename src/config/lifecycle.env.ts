import { IsInt, Max, Min } from 'class-validator';

/** Process lifecycle: how shutdown drains. */
export class LifecycleEnvironment {
  /**
   * Seconds in-flight requests and streams may run on after SIGTERM before
   * they are cut and the process exits.
   */
  @IsInt()
  @Min(0)
  @Max(86_400)
  SHUTDOWN_GRACE_SECONDS: number = 30;
}
