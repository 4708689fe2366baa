import { isRecord } from '../../common/is-record.js';
import {
  ConfigEntryChecker,
  parseConfigJson,
  readConfigFile,
  safeUrl,
  type ConfigFileEnvironment,
} from '../json-config-file.js';
import {
  DEFAULT_UPSTREAM_NAME,
  type ModelMatcher,
  type ModelOverride,
  type UpstreamDefinition,
  type UpstreamsFile,
} from './upstream-definition.js';

/** The environment `api_key_env` names are looked up in. */
export type UpstreamsConfigEnvironment = ConfigFileEnvironment;

/** Thrown when the upstreams file is unreadable or invalid; lists every problem. */
export class UpstreamsConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid upstreams config ${source}: ${problems.join('; ')}`);
    this.name = UpstreamsConfigError.name;
  }
}

/** Names appear in URLs (`/{name}/v1/...`) and model ids (`name/model`). */
const UPSTREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** `default` is the env-configured upstream; `v1` would shadow the gateway's own paths. */
const RESERVED_NAMES = new Set([DEFAULT_UPSTREAM_NAME, 'v1']);
const UPSTREAM_FIELDS = new Set([
  'base_url',
  'api_key_env',
  'models',
  'supports_tool_role',
  'tool_call_format',
  'headers',
  'model_overrides',
]);
const OVERRIDE_FIELDS = new Set(['tool_call_format', 'supports_tool_role']);

/** Reads and parses the file at `path`; see {@link parseUpstreamsConfig}. */
export function loadUpstreamsConfig(
  path: string,
  env: UpstreamsConfigEnvironment,
): UpstreamsFile {
  const text = readConfigFile(
    path,
    (problems) => new UpstreamsConfigError(path, problems),
  );
  return parseUpstreamsConfig(text, env, path);
}

/**
 * Parses `{"upstreams": {"<name>": {...}}, "fallback"?: "<name>"}`. Pure:
 * `env` resolves each `api_key_env`. Unknown fields are errors, so a typo
 * fails the start instead of silently routing elsewhere.
 * @throws UpstreamsConfigError naming each upstream and field at fault.
 */
export function parseUpstreamsConfig(
  text: string,
  env: UpstreamsConfigEnvironment,
  source = 'upstreams config',
): UpstreamsFile {
  const document = parseConfigJson(
    text,
    (problems) => new UpstreamsConfigError(source, problems),
  );
  if (!isRecord(document) || !isRecord(document.upstreams)) {
    throw new UpstreamsConfigError(source, ['upstreams: must be an object']);
  }
  const problems: string[] = [];
  for (const key of Object.keys(document)) {
    if (key !== 'upstreams' && key !== 'fallback') {
      problems.push(`${key}: unknown field`);
    }
  }
  const upstreams: UpstreamDefinition[] = [];
  for (const [name, entry] of Object.entries(document.upstreams)) {
    const definition = new EntryChecker(name, env, problems).check(entry);
    if (definition) {
      upstreams.push(definition);
    }
  }
  const fallback = document.fallback;
  if (fallback !== undefined && typeof fallback !== 'string') {
    problems.push('fallback: must be the name of an upstream');
  }
  const file = {
    upstreams,
    ...(typeof fallback === 'string' ? { fallback } : {}),
  };
  // An upstream that is declared but has problems of its own is named
  // already: "names no configured upstream" would send the reader astray.
  const declared = Object.keys(document.upstreams);
  if (file.fallback === undefined || !declared.includes(file.fallback)) {
    problems.push(...fallbackProblems(file.fallback, file, 'fallback'));
  }
  if (problems.length > 0) {
    throw new UpstreamsConfigError(source, problems);
  }
  return file;
}

/**
 * Problems with a fallback name: it must be `default` or a configured upstream.
 * `field` names the setting in the message (`fallback`, `UPSTREAM_FALLBACK`).
 */
export function fallbackProblems(
  fallback: string | undefined,
  file: Pick<UpstreamsFile, 'upstreams'>,
  field: string,
): string[] {
  if (
    fallback === undefined ||
    fallback === DEFAULT_UPSTREAM_NAME ||
    file.upstreams.some((u) => u.target.name === fallback)
  ) {
    return [];
  }
  return [`${field}: names no configured upstream ('${fallback}')`];
}

/** Validates one upstream entry, reporting problems as `upstreams.<name>.<field>`. */
class EntryChecker extends ConfigEntryChecker {
  constructor(
    name: string,
    private readonly env: UpstreamsConfigEnvironment,
    problems: string[],
  ) {
    super('upstreams', name, problems);
  }

  check(entry: unknown): UpstreamDefinition | undefined {
    const before = this.problems.length;
    if (!UPSTREAM_NAME.test(this.name) || RESERVED_NAMES.has(this.name)) {
      this.fail(
        '',
        "name must be 1-64 letters, digits, '.', '-' or '_', and not 'default' or 'v1'",
      );
    }
    if (!isRecord(entry)) {
      this.fail('', 'must be an object');
      return undefined;
    }
    for (const key of Object.keys(entry)) {
      if (!UPSTREAM_FIELDS.has(key)) {
        this.fail(key, 'unknown field');
      }
    }
    const apiKey = this.apiKey(entry.api_key_env);
    const supportsToolRole = this.boolean(
      entry.supports_tool_role,
      'supports_tool_role',
    );
    const toolCallFormat = this.format(
      entry.tool_call_format,
      'tool_call_format',
    );
    const definition: UpstreamDefinition = {
      target: {
        name: this.name,
        baseUrl: this.baseUrl(entry.base_url),
        ...(apiKey === undefined ? {} : { apiKey }),
        headers: this.headers(entry.headers),
        supportsToolRole: supportsToolRole ?? true,
        toolCallFormat: toolCallFormat ?? 'auto',
      },
      ...this.models(entry.models),
      modelOverrides: this.overrides(entry.model_overrides),
    };
    return this.problems.length === before ? definition : undefined;
  }

  private baseUrl(value: unknown): string {
    const url = typeof value === 'string' ? safeUrl(value) : undefined;
    if (!url || !/^https?:$/.test(url.protocol)) {
      this.fail('base_url', 'must be an absolute http:// or https:// URL');
      return '';
    }
    return (value as string).replace(/\/+$/, '');
  }

  private apiKey(variable: unknown): string | undefined {
    if (variable === undefined) {
      return undefined;
    }
    if (typeof variable !== 'string' || variable.trim() === '') {
      this.fail('api_key_env', 'must be the name of an environment variable');
      return undefined;
    }
    // The value is a secret: the message names the variable only.
    const value = this.env[variable];
    if (value === undefined || value === '') {
      this.fail('api_key_env', `environment variable ${variable} is not set`);
      return undefined;
    }
    return value;
  }

  private models(value: unknown): { models?: ModelMatcher } {
    if (value === undefined) {
      return {};
    }
    if (typeof value === 'string') {
      try {
        return { models: { kind: 'pattern', pattern: new RegExp(value) } };
      } catch (error) {
        this.fail(
          'models',
          `is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`,
        );
        return {};
      }
    }
    if (
      !Array.isArray(value) ||
      !value.every((id) => typeof id === 'string' && id !== '')
    ) {
      this.fail(
        'models',
        'must be an array of model ids or a regular expression string',
      );
      return {};
    }
    return { models: { kind: 'list', ids: value as string[] } };
  }

  private headers(value: unknown): Record<string, string> {
    // Lower-case, so they replace the client's headers of the same name.
    return this.stringMap(value, 'headers', (key, header) => [
      key.toLowerCase(),
      header,
    ]);
  }

  private overrides(value: unknown): Record<string, ModelOverride> {
    if (value === undefined) {
      return {};
    }
    if (!isRecord(value)) {
      this.fail('model_overrides', 'must be an object keyed by model id');
      return {};
    }
    const overrides: Record<string, ModelOverride> = {};
    for (const [model, entry] of Object.entries(value)) {
      const field = `model_overrides.${model}`;
      if (!isRecord(entry)) {
        this.fail(field, 'must be an object');
        continue;
      }
      for (const key of Object.keys(entry)) {
        if (!OVERRIDE_FIELDS.has(key)) {
          this.fail(`${field}.${key}`, 'unknown field');
        }
      }
      const toolCallFormat = this.format(
        entry.tool_call_format,
        `${field}.tool_call_format`,
      );
      const supportsToolRole = this.boolean(
        entry.supports_tool_role,
        `${field}.supports_tool_role`,
      );
      overrides[model] = {
        ...(toolCallFormat === undefined ? {} : { toolCallFormat }),
        ...(supportsToolRole === undefined ? {} : { supportsToolRole }),
      };
    }
    return overrides;
  }

  private boolean(value: unknown, field: string): boolean | undefined {
    if (value !== undefined && typeof value !== 'boolean') {
      this.fail(field, 'must be true or false');
    }
    return typeof value === 'boolean' ? value : undefined;
  }

  /** Format names are checked by the tool-call parsers, not here. */
  private format(value: unknown, field: string): string | undefined {
    if (value !== undefined && (typeof value !== 'string' || !value.trim())) {
      this.fail(field, 'must be a non-empty string');
      return undefined;
    }
    return typeof value === 'string' ? value.trim() : undefined;
  }
}
