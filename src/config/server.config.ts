import { registerAs } from '@nestjs/config';
import { readEnvironment } from './read-environment.js';

export const serverConfig = registerAs('server', () => {
  const env = readEnvironment().server;
  return {
    host: env.API_ADAPTER_HOST,
    port: env.API_ADAPTER_PORT,
    publicBaseUrl: env.OPENAI_BASE_URL,
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    keepaliveIntervalMs: env.KEEPALIVE_INTERVAL * 1000,
    forwardClientAuth: env.FORWARD_CLIENT_AUTH,
  };
});
