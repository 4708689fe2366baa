import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appEnvironmentVariables } from './app-env-vars.js';
import {
  InvalidValuesError,
  readChartFiles,
  renderChart,
} from './chart-renderer.js';

const packageJson = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

type Schema = Record<string, any>;

/** Follows a local `$ref` such as `#/definitions/envMap`. */
function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref as string | undefined;
  if (!ref) {
    return schema;
  }
  const target = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<Schema>((node, key) => node[key] as Schema, root);
  return { ...resolve(target, root), ...schema, $ref: undefined };
}

/** Paths in `values` that the schema gives no `type` for. */
function untypedPaths(
  value: unknown,
  schema: Schema,
  root: Schema,
  path: string,
): string[] {
  const node = resolve(schema, root);
  if (node.type === undefined) {
    return [path];
  }
  if (Array.isArray(value)) {
    return node.items
      ? value.flatMap((item, i) =>
          untypedPaths(item, node.items, root, `${path}[${i}]`),
        )
      : [];
  }
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  // A bare `type: object` (affinity, HPA behavior) is a Kubernetes type: its content is free.
  const freeForm = !node.properties && node.additionalProperties === undefined;
  return Object.entries(value).flatMap(([key, child]) => {
    const childSchema = (node.properties?.[key] ??
      (typeof node.additionalProperties === 'object'
        ? node.additionalProperties
        : undefined)) as Schema | undefined;
    if (!childSchema) {
      return freeForm ? [] : [`${path}.${key}`];
    }
    return untypedPaths(child, childSchema, root, `${path}.${key}`);
  });
}

/** helm's complaint about the values, or '' when it renders them. */
function problemsWith(overrides: Record<string, unknown>): string {
  try {
    renderChart({ values: overrides });
    return '';
  } catch (error) {
    if (error instanceof InvalidValuesError) {
      return error.message;
    }
    throw error;
  }
}

describe('values.schema.json', () => {
  const { values, schema } = readChartFiles();

  it('is a draft-07 schema that accepts the default values.yaml', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(problemsWith({})).toBe('');
  });

  it('gives every value in values.yaml a type', () => {
    expect(untypedPaths(values, schema, schema, '')).toEqual([]);
    // The walk itself notices a value the schema does not describe.
    const partial = {
      type: 'object',
      properties: { a: { type: 'string' } },
      additionalProperties: false,
    };
    expect(untypedPaths({ a: 'x', b: 1 }, partial, partial, '')).toEqual([
      '.b',
    ]);
  });

  it.each([
    ['an unknown top-level key (a typo)', { replicas: 3 }],
    ['an unknown log level', { logLevel: 'loud' }],
    ['a negative shutdown grace', { shutdownGraceSeconds: -1 }],
    ['a fractional shutdown grace', { shutdownGraceSeconds: 1.5 }],
    [
      'an upstream URL without a scheme',
      { upstream: { baseUrl: 'vllm:8000/v1' } },
    ],
    [
      'a config entry the chart sets itself',
      { config: { LOG_LEVEL: 'debug' } },
    ],
    ['a secret the chart sets itself', { secrets: { REDIS_URL: 'redis://x' } }],
    ['the fixed port through config', { config: { API_ADAPTER_PORT: 9090 } }],
    ['an invalid env var name', { config: { 'BAD-NAME': 'x' } }],
    ['a nested env value', { config: { CORS_ORIGINS: ['a', 'b'] } }],
    ['a Redis URL of another scheme', { redis: { url: 'http://redis:6379' } }],
    ['a zero Redis TTL', { redis: { ttlSeconds: 0 } }],
    ['a string replica count', { replicaCount: '2' }],
    ['an unknown probe field', { probes: { liveness: { path: '/x' } } }],
    ['an MCP server that is not an object', { mcpServers: { fs: 'npx' } }],
    ['an unknown config key (a typo)', { config: { MAX_TOOL_ITERATIONS: 5 } }],
    ['a client key in config', { config: { GATEWAY_API_KEYS: 'k1' } }],
    ['the upstream key in config', { config: { OPENAI_API_KEY: 'sk-1' } }],
    ['the compaction secret in config', { config: { COMPACTION_SECRET: 's' } }],
    ['METRICS_PORT through config', { config: { METRICS_PORT: 9090 } }],
    ['a metrics port equal to the API port', { metrics: { port: 8080 } }],
    [
      'a memory HPA target in percent',
      { autoscaling: { targetMemoryAverageValue: '80%' } },
    ],
    [
      'an unknown ServiceMonitor field',
      { serviceMonitor: { enabled: true, port: 'x' } },
    ],
    [
      'a NetworkPolicy egress that is not a list',
      { networkPolicy: { enabled: true, egress: 'all' } },
    ],
  ])('rejects %s', (_label, overrides) => {
    expect(problemsWith(overrides)).toMatch(
      /values don't meet the specifications of the schema/,
    );
  });

  it.each([
    [
      'numbers and booleans in config',
      { config: { BODY_LIMIT_BYTES: 1048576, FORWARD_CLIENT_AUTH: true } },
    ],
    [
      'secrets by name',
      { secrets: { OPENAI_API_KEY: 'sk-1', GATEWAY_API_KEYS: 'a,b' } },
    ],
    [
      'a Redis URL with a TTL',
      { redis: { url: 'rediss://:pw@redis:6380/0', ttlSeconds: 3600 } },
    ],
    ['a percentage PDB', { podDisruptionBudget: { minAvailable: '50%' } }],
    ['values from a parent chart', { global: { imageRegistry: 'r.example' } }],
    ['a separate metrics port', { metrics: { port: 9090 } }],
    ['extra env entries', { extraEnv: [{ name: 'TZ', value: 'UTC' }] }],
  ])('accepts %s', (_label, overrides) => {
    expect(problemsWith(overrides)).toBe('');
  });
});

describe("values.schema.json's config settings", () => {
  const { schema } = readChartFiles();
  const configNames = Object.keys(schema.properties.config.properties).sort();
  const chartManaged = schema.definitions.envName.not.enum as string[];
  const secretOnly = schema.definitions.secretEnvName.enum as string[];

  it('are the env classes of src/config, less the secret and chart-managed ones', async () => {
    const appVars = await appEnvironmentVariables();
    const expected = appVars.filter(
      (name) => !chartManaged.includes(name) && !secretOnly.includes(name),
    );
    // A new setting in src/config/*.env.ts goes into values.schema.json's
    // config.properties too (or secretEnvName, when it carries a secret).
    expect(configNames, 'values.schema.json config.properties').toEqual(
      expected,
    );
    // Every name refused in config is one the gateway reads.
    expect(
      [...chartManaged, ...secretOnly].filter((n) => !appVars.includes(n)),
    ).toEqual([]);
  });

  it('take every secret-bearing setting from a Secret only', () => {
    for (const name of secretOnly) {
      expect(configNames).not.toContain(name);
      expect(problemsWith({ secrets: { [name]: 'from-a-secret' } })).toBe('');
    }
  });
});

describe('Chart.yaml', () => {
  const { chart } = readChartFiles();

  it('is an apiVersion v2 chart named open-responses-gateway at 0.2.0', () => {
    expect(chart).toMatchObject({
      apiVersion: 'v2',
      name: 'open-responses-gateway',
      version: '0.2.0',
      type: 'application',
    });
  });

  it("keeps appVersion equal to package.json's version", () => {
    expect(chart.appVersion).toBe(packageJson.version);
  });
});
