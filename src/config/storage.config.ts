import { registerAs } from '@nestjs/config';
import { readEnvironment } from './read-environment.js';

export const storageConfig = registerAs('storage', () => {
  const env = readEnvironment().storage;
  return {
    redisUrl: env.REDIS_URL,
    responseTtlSeconds: env.RESPONSE_TTL_SECONDS,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
  };
});
