import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import {
  configureApp,
  createFastifyAdapter,
  createGatewayLogger,
  GATEWAY_APP_OPTIONS,
} from '../../src/app.setup.js';

/** A running gateway on a real socket. */
export interface RunningGateway {
  app: NestFastifyApplication;
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the real app through configureApp on 127.0.0.1 and a random port.
 * `env` is applied to process.env for the app's lifetime (config reads it at
 * start), then restored.
 */
export async function startGateway(
  env: Record<string, string>,
): Promise<RunningGateway> {
  const previous = new Map<string, string | undefined>();
  // No upstream health probes unless a spec asks: they would add
  // GET /models requests to the upstream traffic specs count.
  const settings: Record<string, string | undefined> = {
    LOG_LEVEL: 'silent',
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
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule],
  }).compile();
  const logger = createGatewayLogger();
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
