import { IsInt, Max, Min } from '../common/validation/class-validator.js';
import { Setting } from './setting.decorator.js';

/** Process lifecycle: how shutdown drains. */
export class LifecycleEnvironment {
  @Setting(
    'Seconds in-flight requests and streams may run on after `SIGTERM` before they are cut',
  )
  @IsInt()
  @Min(0)
  @Max(86_400)
  SHUTDOWN_GRACE_SECONDS: number = 30;
}
