import type { Logger } from 'pino';

/** The process events a last-resort handler is installed on. */
type LastResortEvents = Pick<NodeJS.Process, 'on'>;

/**
 * main.ts only: what happens to an exception that escaped every request's
 * own error handling (each request turns its failures into its own error
 * or terminal event, so reaching here is a bug).
 *
 * - `unhandledRejection`: logged at error, and the process keeps serving. A
 *   promise nobody awaited failed; whoever needed its result got its own
 *   error, and no state was left half-changed by a throw.
 * - `uncaughtException`: logged at fatal, then the process drains as on
 *   SIGTERM and exits 1 for the orchestrator to restart it. Node cannot vouch
 *   for the state of a process after an uncaught exception, so it must not
 *   take new work; but the streams in flight still run to their terminal
 *   event (for up to SHUTDOWN_GRACE_SECONDS) instead of being cut.
 */
export function installLastResortHandlers(
  logger: Pick<Logger, 'error' | 'fatal'>,
  drainAndExit: (exitCode: number) => void,
  events: LastResortEvents = process,
): void {
  events.on('unhandledRejection', (reason: unknown) => {
    logger.error(
      { err: reason },
      'unhandled promise rejection (a bug): logged, the process keeps serving',
    );
  });
  events.on('uncaughtException', (error: Error, origin: string) => {
    logger.fatal(
      { err: error, origin },
      'uncaught exception (a bug): draining in-flight requests, then exiting 1 for a restart',
    );
    drainAndExit(1);
  });
}
