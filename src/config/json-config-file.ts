import { readFileSync } from 'node:fs';
import { isRecord } from '../common/is-record.js';

/** The environment a config file's variable references are resolved against. */
export type ConfigFileEnvironment = Readonly<
  Record<string, string | undefined>
>;

/** Builds the parser's own error from the problems found. */
export type ConfigErrorFactory = (problems: string[]) => Error;

/** `${VAR}` or `${VAR:-default}`. */
const VARIABLE_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** The text of the config file at `path`; an unreadable file is one problem. */
export function readConfigFile(
  path: string,
  toError: ConfigErrorFactory,
): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw toError([`cannot read the file (${messageOf(error)})`]);
  }
}

/** The parsed JSON document; invalid JSON is one problem. */
export function parseConfigJson(
  text: string,
  toError: ConfigErrorFactory,
): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw toError([`invalid JSON (${messageOf(error)})`]);
  }
}

/**
 * `raw` with each `${VAR}` / `${VAR:-default}` replaced from `env`; an unset
 * variable without a default becomes '' and is reported to `onUnset`. Each
 * value put in goes to `onResolved` (the MCP config treats them as secrets).
 */
export function expandVariables(
  raw: string,
  env: ConfigFileEnvironment,
  onUnset: (variable: string) => void,
  onResolved: (value: string) => void = () => undefined,
): string {
  return raw.replace(
    VARIABLE_REFERENCE,
    (_match, variable: string, fallback: string | undefined) => {
      const resolved = env[variable] ?? fallback;
      if (resolved === undefined) {
        onUnset(variable);
      } else {
        onResolved(resolved);
      }
      return resolved ?? '';
    },
  );
}

/**
 * Validates one named entry of a config file, collecting every problem as
 * `<section>.<name>.<field>: <reason>` instead of stopping at the first.
 */
export abstract class ConfigEntryChecker {
  constructor(
    private readonly section: string,
    protected readonly name: string,
    protected readonly problems: string[],
  ) {}

  /**
   * An optional object of strings, each entry mapped by `entryOf` in order;
   * a value that is not a string is a problem and is left out.
   */
  protected stringMap(
    value: unknown,
    field: string,
    entryOf: (key: string, value: string) => [string, string],
  ): Record<string, string> {
    if (value === undefined) {
      return {};
    }
    if (!isRecord(value)) {
      this.fail(field, 'must be an object of strings');
      return {};
    }
    const map: Record<string, string> = {};
    for (const [key, entry] of Object.entries(value)) {
      if (typeof entry !== 'string') {
        this.fail(`${field}.${key}`, 'must be a string');
        continue;
      }
      const [mappedKey, mapped] = entryOf(key, entry);
      map[mappedKey] = mapped;
    }
    return map;
  }

  protected fail(field: string, reason: string): void {
    const path = field
      ? `${this.section}.${this.name}.${field}`
      : `${this.section}.${this.name}`;
    this.problems.push(`${path}: ${reason}`);
  }
}

/** The URL `text` parses to, or undefined. */
export function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
