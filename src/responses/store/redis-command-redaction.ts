import { REDACTED } from '../../common/logging/secret-redactor.js';

/** The shape ioredis gives the command it attaches to a failed command's error. */
interface FailedCommand {
  name?: unknown;
  args?: unknown;
}

/**
 * The same error with the arguments of its ioredis `command` replaced by
 * {@link REDACTED}: they are the AUTH password when the login failed, and a
 * whole stored response when a script failed. The command's name stays, it
 * tells what failed. Changed in place, so whoever logs the error later sees
 * the redacted form.
 */
export function withoutCommandArguments<T>(error: T): T {
  const command = (error as { command?: FailedCommand } | null)?.command;
  if (
    typeof command === 'object' &&
    command !== null &&
    Array.isArray(command.args)
  ) {
    command.args = command.args.map(() => REDACTED);
  }
  return error;
}
