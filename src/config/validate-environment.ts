import { parseEnvironment, type RawEnvironment } from './env-parsing.js';
import {
  ENVIRONMENT_GROUPS,
  settingNamesOf,
  type EnvironmentGroupName,
  type GatewayEnvironment,
} from './environment-groups.js';
import { securityProblems } from './security.env.js';

/** Thrown once at start-up, naming every bad key at once. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment variables: ${problems.join(', ')}`);
    this.name = InvalidEnvironmentError.name;
  }
}

/**
 * Validates every group of `raw` and returns them typed and frozen, or
 * throws one InvalidEnvironmentError listing every bad key. The one place
 * the settings are validated; readEnvironment memoises it.
 */
export function validateEnvironment(raw: RawEnvironment): GatewayEnvironment {
  const problems: string[] = [];
  const groups: Partial<Record<EnvironmentGroupName, object>> = {};
  for (const [name, group] of Object.entries(ENVIRONMENT_GROUPS)) {
    const { value, errors } = parseEnvironment<object>(
      group,
      settingsOf(raw, settingNamesOf(group)),
    );
    problems.push(...errors);
    groups[name as EnvironmentGroupName] = Object.freeze(value);
  }
  const environment = Object.freeze(groups) as GatewayEnvironment;
  problems.push(
    ...securityProblems(
      environment.security,
      environment.server.FORWARD_CLIENT_AUTH === true,
    ),
  );
  if (problems.length > 0) {
    throw new InvalidEnvironmentError(problems);
  }
  return environment;
}

/** Only a group's own settings: the rest of the environment is not its business. */
function settingsOf(
  raw: RawEnvironment,
  names: readonly string[],
): RawEnvironment {
  return Object.fromEntries(names.map((name) => [name, raw[name]]));
}
