import { existsSync } from 'node:fs';
import type { RawEnvironment } from './env-parsing.js';
import {
  allSettingNames,
  type GatewayEnvironment,
} from './environment-groups.js';
import { validateEnvironment } from './validate-environment.js';

export { InvalidEnvironmentError } from './validate-environment.js';

/**
 * Loads `.env` from the working directory into `process.env`, never
 * overriding a variable that is already set (ConfigModule's rule too). main.ts
 * calls it first, so one check reports a bad key from either source.
 */
export function loadDotEnvFile(path = '.env'): void {
  if (existsSync(path)) {
    process.loadEnvFile(path);
  }
}

/** The last environment validated, and the text of its settings. */
let last: { settingsText: string; environment: GatewayEnvironment } | undefined;

/**
 * The whole environment, validated and typed. Validation runs once per
 * distinct environment: ConfigModule's `validate` hook, every config
 * namespace and the app set-up all read this one object while the settings
 * keep their text. The text, not the object, is the key: `process.env` is
 * one mutable object, and tests start apps one after another in one process
 * with different settings in it.
 * Only src/config reads `process.env`: here, and for the `${VAR}` references
 * of the MCP and upstreams files.
 */
export function readEnvironment(
  raw: RawEnvironment = process.env,
): GatewayEnvironment {
  const settingsText = textOfSettings(raw);
  if (last?.settingsText !== settingsText) {
    last = { settingsText, environment: validateEnvironment(raw) };
  }
  return last.environment;
}

/** Every setting's text; empty counts as unset, as in parseEnvironment. */
function textOfSettings(raw: RawEnvironment): string {
  return JSON.stringify(allSettingNames().map((name) => raw[name] || null));
}
