import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import {
  configureApp,
  GATEWAY_APP_OPTIONS,
  createFastifyAdapter,
  createGatewayLogger,
} from './app.setup.js';
import {
  InvalidEnvironmentError,
  loadDotEnvFile,
  readEnvironment,
} from './config/read-environment.js';
import { PinoNestLogger } from './common/logging/pino-nest-logger.js';
import { packageInfo } from './common/package-info.js';
import { installGracefulShutdown } from './lifecycle/graceful-shutdown.js';
import { installLastResortHandlers } from './lifecycle/last-resort-handlers.js';
import { listenOptions } from './lifecycle/listen-options.js';

/**
 * Starts the gateway: validates the environment (exit 1 naming every bad
 * key), then listens on API_ADAPTER_HOST:API_ADAPTER_PORT. main.ts's
 * bootstrap() imports and runs it.
 */
export async function startGateway(): Promise<void> {
  let env;
  try {
    loadDotEnvFile();
    env = readEnvironment();
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createGatewayLogger();
  try {
    // Nest logs through pino from its first line: a failed start-up is one
    // JSON line (Nest's ExceptionHandler, then exit 1), never an ANSI trace.
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule,
      createFastifyAdapter(logger),
      { ...GATEWAY_APP_OPTIONS, logger: new PinoNestLogger(logger) },
    );
    configureApp(app, logger);
    installLastResortHandlers(logger, installGracefulShutdown(app, logger));
    await app.listen(listenOptions(env.server));
    logger.info(
      { url: await app.getUrl(), version: packageInfo.version },
      'open-responses-gateway listening',
    );
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    process.exit(1);
  }
}
