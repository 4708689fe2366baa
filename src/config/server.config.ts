import { registerAs } from '@nestjs/config';
import { memoryBudget } from './memory-budget.js';
import { parseHeaderList } from './header-list.js';
import { readEnvironment } from './read-environment.js';

export const serverConfig = registerAs('server', () => {
  const env = readEnvironment().server;
  // Both derived from the heap limit unless set (memory-budget.ts).
  const budget = memoryBudget(env);
  return {
    host: env.API_ADAPTER_HOST,
    port: env.API_ADAPTER_PORT,
    /** Serves /metrics apart from the API when set (metrics-port.server.ts). */
    metricsPort: env.METRICS_PORT,
    publicBaseUrl: env.OPENAI_BASE_URL,
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: budget.bodyLimitBytes,
    maxInflightBodyBytes: budget.maxInflightBodyBytes,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT * 1000,
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT * 1000,
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT * 1000,
    keepaliveIntervalMs: env.KEEPALIVE_INTERVAL * 1000,
    forwardClientAuth: env.FORWARD_CLIENT_AUTH,
    /** Lower-case names of the client credential headers a pass-through forwards. */
    forwardClientCredentials: parseHeaderList(env.FORWARD_CLIENT_CREDENTIALS),
  };
});
