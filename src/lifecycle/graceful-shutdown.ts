import type { ConfigType } from '@nestjs/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { lifecycleConfig } from '../config/lifecycle.config.js';
import { LifecycleStateService } from './lifecycle-state.service.js';
import { InFlightRequests } from './in-flight-requests.service.js';

/** Signals that start a graceful shutdown. */
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Bound on app.close() once draining is over (MCP children, upstream pool). */
const CLOSE_TIMEOUT_MS = 10_000;
/**
 * Once the grace period is over, how long the running streams get to write
 * their failure event and end before their connections are cut. Ending is
 * immediate for a client that reads; this only bounds one that does not.
 */
const END_STREAMS_TIMEOUT_MS = 3_000;

/** What a drain needs; main.ts wires the app's own parts in. */
export interface DrainPlan {
  lifecycle: Pick<LifecycleStateService, 'startDraining' | 'endGracePeriod'>;
  inFlight: Pick<InFlightRequests, 'count' | 'whenIdle'>;
  /** How long in-flight requests may run on. */
  graceMs: number;
  /** After the grace period, how long streams get to end with their failure event. */
  endStreamsMs?: number;
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
 * traffic; requests that still arrive are served) and idle WebSockets close
 * with 1001; in-flight requests and streams run to their end for up to
 * `graceMs`. Then the streams still running end cleanly (`response.failed`
 * or a final error chunk, then `[DONE]`; their upstream calls are
 * aborted), and whatever is still left after `endStreamsMs` is cut. Then
 * the remaining idle connections are closed and the app closes.
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
  const cut =
    drained || plan.inFlight.count === 0 ? 0 : await endRunningStreams(plan);
  if (cut > 0) {
    plan.logger.warn({ inFlight: cut }, 'cutting the requests still in flight');
  }
  // Also when drained: a socket a client opened without sending a request
  // (undici pre-connects) escapes Node's closeIdleConnections and would hold
  // server.close() open.
  plan.closeConnections();
  await plan.close();
  plan.logger.info('shut down');
  return cut;
}

/** The drain of a running app: its lifecycle state, in-flight count, server and close. */
export function appDrainPlan(
  app: NestFastifyApplication,
  logger: DrainPlan['logger'],
  options: Pick<DrainPlan, 'graceMs' | 'hurry' | 'endStreamsMs'> &
    Partial<Pick<DrainPlan, 'close'>>,
): DrainPlan {
  return {
    lifecycle: app.get(LifecycleStateService),
    inFlight: app.get(InFlightRequests),
    closeConnections: () => app.getHttpServer().closeAllConnections(),
    close: () => closeWithin(app, CLOSE_TIMEOUT_MS),
    logger,
    ...options,
  };
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
    drainAndClose(
      appDrainPlan(app, logger, {
        graceMs: shutdownGraceMs,
        hurry: hurry.signal,
      }),
    ).then(
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

/**
 * The grace period is over: streams still running are told to end with
 * their failure event, and get `endStreamsMs` to do so.
 * Resolves with the number of requests still in flight afterwards.
 */
async function endRunningStreams(plan: DrainPlan): Promise<number> {
  plan.logger.warn(
    { inFlight: plan.inFlight.count },
    'shutdown grace period over: ending the running streams with a failure event',
  );
  plan.lifecycle.endGracePeriod();
  const ended = await settlesWithin(
    plan.inFlight.whenIdle(),
    plan.endStreamsMs ?? END_STREAMS_TIMEOUT_MS,
    plan.hurry,
  );
  return ended ? 0 : plan.inFlight.count;
}

/** True when `work` settled before `ms` passed (and `hurry` did not abort). */
async function settlesWithin(
  work: Promise<void>,
  ms: number,
  hurry?: AbortSignal,
): Promise<boolean> {
  if (hurry?.aborted) {
    return false;
  }
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
