import type { ServerEnvironment } from '../config/server.env.js';

/** Where and how the API listener listens. */
export interface ListenOptions {
  port: number;
  host: string;
  /** Connections the kernel queues before they are accepted (LISTEN_BACKLOG). */
  backlog: number;
}

/** The API listener's options, from the server settings. */
export function listenOptions(
  server: Pick<
    ServerEnvironment,
    'API_ADAPTER_PORT' | 'API_ADAPTER_HOST' | 'LISTEN_BACKLOG'
  >,
): ListenOptions {
  return {
    port: server.API_ADAPTER_PORT,
    host: server.API_ADAPTER_HOST,
    backlog: server.LISTEN_BACKLOG,
  };
}
