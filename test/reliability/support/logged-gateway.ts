import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../../src/app.module.js';
import {
  configureApp,
  createFastifyAdapter,
  GATEWAY_APP_OPTIONS,
} from '../../../src/app.setup.js';
import { createLogger } from '../../../src/common/logging/create-logger.js';
import type { RunningGateway } from '../../support/gateway-harness.js';

/** A running gateway whose every log line is kept in `lines`. */
export interface LoggedGateway extends RunningGateway {
  readonly lines: string[];
}

/**
 * Like startGateway, but the gateway logs at `trace` (everything) into
 * memory, through the same createLogger, redaction included, that main.ts
 * uses.
 */
export async function startLoggedGateway(
  env: Record<string, string>,
): Promise<LoggedGateway> {
  const previous = new Map<string, string | undefined>();
  // No upstream health probes unless a spec asks (see startGateway).
  const settings: Record<string, string | undefined> = {
    LOG_LEVEL: 'trace',
    UPSTREAM_PROBE_INTERVAL: '0',
    // The store is in memory unless a spec names a Redis: CI exports
    // REDIS_URL for the specs that do, and it must not leak into the rest.
    REDIS_URL: undefined,
    ...env,
  };
  for (const [key, value] of Object.entries(settings)) {
    previous.set(key, process.env[key]);
    if (value === undefined) {
      delete process.env[key];
    } else {
      process.env[key] = value;
    }
  }
  const lines: string[] = [];
  const logger = createLogger('trace', {
    write: (line: string) => {
      lines.push(line);
    },
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(logger),
    GATEWAY_APP_OPTIONS,
  );
  configureApp(app, logger);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl())
    .replace('[::1]', '127.0.0.1')
    .replace('localhost', '127.0.0.1');
  return {
    app,
    url,
    lines,
    close: async () => {
      await app.close();
      for (const [key, value] of previous) {
        if (value === undefined) {
          delete process.env[key];
        } else {
          process.env[key] = value;
        }
      }
    },
  };
}
