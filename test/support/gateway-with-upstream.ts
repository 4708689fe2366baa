import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { FakeUpstream } from './fake-upstream.js';
import { startGateway, type RunningGateway } from './gateway-harness.js';

/** The live fixtures of a spec; read them inside hooks and tests only. */
export interface GatewayWithUpstream {
  readonly upstream: FakeUpstream;
  readonly gateway: RunningGateway;
  /** The official client on `${gateway.url}/v1`, without retries. */
  readonly client: OpenAI;
}

/** Settings of {@link useGatewayWithUpstream}. */
export interface GatewayWithUpstreamOptions {
  /** Extra gateway env; OPENAI_BASE_URL_INTERNAL already names the upstream. */
  env?: Record<string, string>;
  /** The key the client sends (default `sk-test`). */
  apiKey?: string;
}

/**
 * Registers the usual e2e fixture in the current describe block: a
 * FakeUpstream and a gateway in front of it started once (beforeAll), both
 * closed afterwards (afterAll), and the upstream reset before each test.
 */
export function useGatewayWithUpstream(
  options: GatewayWithUpstreamOptions = {},
): GatewayWithUpstream {
  let live: { upstream: FakeUpstream; gateway: RunningGateway; client: OpenAI };
  beforeAll(async () => {
    const upstream = await FakeUpstream.start();
    const gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      ...options.env,
    });
    const client = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: options.apiKey ?? 'sk-test',
      maxRetries: 0,
    });
    live = { upstream, gateway, client };
  });
  afterAll(async () => {
    await live.gateway.close();
    await live.upstream.close();
  });
  beforeEach(() => live.upstream.reset());
  return {
    get upstream() {
      return live.upstream;
    },
    get gateway() {
      return live.gateway;
    },
    get client() {
      return live.client;
    },
  };
}
