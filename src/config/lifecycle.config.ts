import { registerAs } from '@nestjs/config';
import { readEnvironment } from './read-environment.js';

export const lifecycleConfig = registerAs('lifecycle', () => {
  const env = readEnvironment().lifecycle;
  return {
    shutdownGraceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
  };
});
