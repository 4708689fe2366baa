import { registerAs } from '@nestjs/config';
import { readEnvironment } from './read-environment.js';

export const upstreamConfig = registerAs('upstream', () => {
  const env = readEnvironment().upstream;
  return {
    baseUrl: env.OPENAI_BASE_URL_INTERNAL.replace(/\/+$/, ''),
    apiKey: env.OPENAI_API_KEY,
    connectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
    readTimeoutMs: env.UPSTREAM_READ_TIMEOUT_MS,
  };
});
