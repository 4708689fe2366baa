import type { ConfigType } from '@nestjs/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { lifecycleConfig } from '../config/lifecycle.config.js';
import { LifecycleStateService } from '../health/lifecycle-state.service.js';
import { InFlightRequests } from './in-flight-requests.service.js';

/** Signals that start a graceful shutdown. */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Bound on app.close() once draining is over (MCP children, upstream pool). */
const CLOSE_TIMEOUT_MS = 10_000;

/** What a drain needs; main.ts wires the app's own parts in. */
export interface DrainPlan {
  lifecycle: Pick<LifecycleStateService, 'startDraining'>;
  inFlight: Pick<InFlightRequests, 'count' | 'whenIdle'>;
  /** How long in-flight requests may run on. */
  graceMs: number;
  /** Aborting it cuts the wait short (a second signal). */
  hurry?: AbortSignal;
  /** Destroys every open connection; in-flight work is cancelled with it. */
  closeConnections(): void;
  /** Closes the app: listener, then every shutdown hook. */
  close(): Promise<void>;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/**
 * The shutdown order: /ready turns 503 at once (load balancers stop sending
 * traffic; requests that still arrive are served), in-flight requests and
 * streams run to their end for up to `graceMs`, whatever is left is cut
 * (which aborts its upstream call), then the remaining idle connections
 * are closed and the app closes.
 * Resolves with the number of requests that were cut.
 */
export async function drainAndClose(plan: DrainPlan): Promise<number> {
  plan.lifecycle.startDraining();
  plan.logger.info(
    { inFlight: plan.inFlight.count, graceMs: plan.graceMs },
    'shutting down: draining in-flight requests',
  );
  const drained = await settlesWithin(
    plan.inFlight.whenIdle(),
    plan.graceMs,
    plan.hurry,
  );
  const cut = drained ? 0 : plan.inFlight.count;
  if (cut > 0) {
    plan.logger.warn(
      { inFlight: cut },
      'shutdown grace period over: cutting the requests still in flight',
    );
  }
  // Also when drained: a socket a client opened without sending a request
  // (undici pre-connects) escapes Node's closeIdleConnections and would hold
  // server.close() open.
  plan.closeConnections();
  await plan.close();
  plan.logger.info('shut down');
  return cut;
}

/**
 * main.ts only: SIGTERM and SIGINT drain and close the app, then the process
 * exits 0 (Nest's enableShutdownHooks would close at once and re-raise the
 * signal). A second signal cuts the drain short. Returns the drain itself,
 * for the last-resort handlers (see installLastResortHandlers), which drain
 * and exit 1.
 */
export function installGracefulShutdown(
  app: NestFastifyApplication,
  logger: Logger,
): (exitCode: number) => void {
  const { shutdownGraceMs } = app.get<ConfigType<typeof lifecycleConfig>>(
    lifecycleConfig.KEY,
  );
  const hurry = new AbortController();
  let started = false;
  let exitWith = 0;
  const drain = (exitCode: number): void => {
    exitWith = Math.max(exitWith, exitCode);
    if (started) {
      return;
    }
    started = true;
    drainAndClose({
      lifecycle: app.get(LifecycleStateService),
      inFlight: app.get(InFlightRequests),
      graceMs: shutdownGraceMs,
      hurry: hurry.signal,
      closeConnections: () => app.getHttpServer().closeAllConnections(),
      close: () => closeWithin(app, CLOSE_TIMEOUT_MS),
      logger,
    }).then(
      () => process.exit(exitWith),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (started) {
      logger.warn({ signal }, 'second signal: cutting the drain short');
      hurry.abort();
      return;
    }
    logger.info({ signal }, 'shutdown signal received');
    drain(0);
  };
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, onSignal);
  }
  return drain;
}

/** True when `work` settled before `ms` passed (and `hurry` did not abort). */
async function settlesWithin(
  work: Promise<void>,
  ms: number,
  hurry?: AbortSignal,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  let onHurry: (() => void) | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    onHurry = () => resolve(false);
    hurry?.addEventListener('abort', onHurry, { once: true });
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
    if (onHurry) {
      hurry?.removeEventListener('abort', onHurry);
    }
  }
}

async function closeWithin(
  app: NestFastifyApplication,
  ms: number,
): Promise<void> {
  const closed = await settlesWithin(app.close(), ms);
  if (!closed) {
    throw new Error(`the app did not close within ${ms} ms`);
  }
}
