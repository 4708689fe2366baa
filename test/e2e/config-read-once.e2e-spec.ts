import type { ConfigType } from '@nestjs/config';
import { describe, expect, it, vi } from 'vitest';
import { serverConfig } from '../../src/config/server.config.js';
import { upstreamsConfig } from '../../src/config/upstreams.config.js';
import { validateEnvironment } from '../../src/config/validate-environment.js';
import { startGateway } from '../support/gateway-harness.js';

// Counts the calls of the one validation entry point, which still validates.
vi.mock('../../src/config/validate-environment.js', async (importOriginal) => {
  const original =
    await importOriginal<
      typeof import('../../src/config/validate-environment.js')
    >();
  return {
    ...original,
    validateEnvironment: vi.fn(original.validateEnvironment),
  };
});

/** One boot of the gateway (module, logger, adapter, set-up, listen). */
async function validationsOfOneBoot(
  env: Record<string, string>,
): Promise<{ validations: number; modelsCacheMs: number; port: number }> {
  vi.mocked(validateEnvironment).mockClear();
  const gateway = await startGateway(env);
  try {
    const { app } = gateway;
    return {
      validations: vi.mocked(validateEnvironment).mock.calls.length,
      modelsCacheMs: app.get<ConfigType<typeof upstreamsConfig>>(
        upstreamsConfig.KEY,
      ).modelsCacheMs,
      port: app.get<ConfigType<typeof serverConfig>>(serverConfig.KEY).port,
    };
  } finally {
    await gateway.close();
  }
}

describe('the environment, read at start', () => {
  it('is validated once per boot, and each boot sees its own settings', async () => {
    const first = await validationsOfOneBoot({
      MODELS_CACHE_SECONDS: '7',
      API_ADAPTER_PORT: '7107',
    });
    expect(first).toEqual({ validations: 1, modelsCacheMs: 7000, port: 7107 });

    const second = await validationsOfOneBoot({
      MODELS_CACHE_SECONDS: '8',
      API_ADAPTER_PORT: '7108',
    });
    expect(second).toEqual({ validations: 1, modelsCacheMs: 8000, port: 7108 });
  });
});
