import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEnvironment } from '../../src/config/read-environment.js';
import { appEnvGroups, appEnvironmentVariables } from './app-env-vars.js';
import {
  readChartFiles,
  renderChart,
  type K8sObject,
} from './chart-renderer.js';
import {
  effectiveEnvironment,
  findObject,
  gatewayContainer,
  secretData,
} from './k8s-objects.js';

/** Variables the chart sets from first-class values; `config`/`secrets` refuse them. */
const chartManaged = readChartFiles().schema.definitions.envName.not
  .enum as string[];

/** Settings that carry a secret; `config` refuses them, `secrets` takes them. */
const secretOnly = readChartFiles().schema.definitions.secretEnvName
  .enum as string[];

/** Values that switch on every first-class setting the chart has. */
const everyFeature = {
  mcpServers: { fs: { command: 'mcp-fs' } },
  upstreams: { vllm: { base_url: 'http://vllm:8000/v1' } },
  redis: { url: 'redis://redis:6379/0', ttlSeconds: 3600, keyPrefix: 'gw:' },
  apiKeysSecret: { name: 'client-keys', key: 'keys' },
  keysFileSecret: { name: 'tenant-keys', key: 'keys.yaml' },
};

function render(values: Record<string, unknown>): K8sObject[] {
  return renderChart({ values }).objects;
}

let appVars: string[] = [];

beforeAll(async () => {
  appVars = await appEnvironmentVariables();
});

describe('env var discovery', () => {
  it('finds every env group of src/config and the variables they declare', async () => {
    const groups = await appEnvGroups();
    expect(groups.map((g) => g.className)).toEqual(
      expect.arrayContaining([
        'ServerEnvironment',
        'UpstreamEnvironment',
        'ConversationEnvironment',
      ]),
    );
    // Initialised, optional without initialiser, and boolean-transformed properties alike.
    expect(appVars).toEqual(
      expect.arrayContaining([
        'API_ADAPTER_PORT',
        'OPENAI_API_KEY',
        'MCP_SERVERS_CONFIG_PATH',
        'FORWARD_CLIENT_AUTH',
      ]),
    );
  });
});

describe('chart environment', () => {
  it('can set every env var the gateway reads, the secret ones from the Secret', () => {
    const settable = appVars.filter((name) => !chartManaged.includes(name));
    const config = Object.fromEntries(
      settable
        .filter((name) => !secretOnly.includes(name))
        .map((name) => [name, `set-${name}`]),
    );
    const secrets = Object.fromEntries(
      secretOnly.map((name) => [name, `secret-${name}`]),
    );
    const objects = render({
      ...everyFeature,
      metrics: { port: 9090 },
      config,
      secrets,
    });
    const env = effectiveEnvironment(objects);
    expect(appVars.filter((name) => !(name in env))).toEqual([]);
    for (const [name, value] of Object.entries({ ...config, ...secrets })) {
      expect(env[name], name).toBe(value);
    }
    expect(secretData(findObject(objects, 'Secret'))).toMatchObject(secrets);
  });

  it('can take any of them from the chart Secret instead of the ConfigMap', () => {
    const secrets = Object.fromEntries(
      appVars
        .filter((name) => !chartManaged.includes(name))
        .map((name) => [name, `secret-${name}`]),
    );
    const objects = render({ secrets });
    expect(secretData(findObject(objects, 'Secret'))).toEqual(secrets);
    expect(findObject(objects, 'ConfigMap').data).not.toHaveProperty(
      Object.keys(secrets)[0]!,
    );
    expect(effectiveEnvironment(objects)).toMatchObject(secrets);
  });

  it('sets only variables the gateway reads, and NODE_OPTIONS for Node itself', () => {
    const env = effectiveEnvironment(
      render({ ...everyFeature, metrics: { port: 9090 } }),
    );
    expect(Object.keys(env).filter((name) => !appVars.includes(name))).toEqual([
      'NODE_OPTIONS',
    ]);
  });

  it('passes nodeOptions through after the heap cap, and sets none without either', () => {
    const options = '--max-old-space-size=1536 --max-semi-space-size=32';
    expect(
      effectiveEnvironment(render({ nodeOptions: options })).NODE_OPTIONS,
    ).toBe(`--max-old-space-size=256 ${options}`);
    const unlimited = { resources: { limits: null } };
    expect(
      effectiveEnvironment(render({ ...unlimited, nodeOptions: options }))
        .NODE_OPTIONS,
    ).toBe(options);
    expect(effectiveEnvironment(render(unlimited))).not.toHaveProperty(
      'NODE_OPTIONS',
    );
  });

  it('renders an environment the gateway validates, numbers and flags included', () => {
    const objects = render({
      upstream: { baseUrl: 'http://vllm:8000/v1' },
      logLevel: 'debug',
      config: {
        BODY_LIMIT_BYTES: 33554432,
        FORWARD_CLIENT_AUTH: true,
        MAX_TOOL_CALL_ITERATIONS: 10,
      },
      secrets: { OPENAI_API_KEY: 'sk-test' },
      redis: {
        url: 'redis://:pw@redis-master:6379/0',
        ttlSeconds: 3600,
        keyPrefix: 'gw:',
      },
      shutdownGraceSeconds: 600,
    });
    // Helm reads 33554432 as a float64 and would print it as 3.3554432e+07.
    expect(findObject(objects, 'ConfigMap').data).toMatchObject({
      BODY_LIMIT_BYTES: '33554432',
      FORWARD_CLIENT_AUTH: 'true',
    });
    const sut = readEnvironment(effectiveEnvironment(objects));
    expect(sut.server).toMatchObject({
      API_ADAPTER_PORT: 8080,
      LOG_LEVEL: 'debug',
      BODY_LIMIT_BYTES: 33554432,
      FORWARD_CLIENT_AUTH: true,
    });
    expect(sut.upstream).toMatchObject({
      OPENAI_BASE_URL_INTERNAL: 'http://vllm:8000/v1',
      OPENAI_API_KEY: 'sk-test',
    });
    expect(sut.conversation.MAX_TOOL_CALL_ITERATIONS).toBe(10);
    expect(sut.storage).toMatchObject({
      REDIS_URL: 'redis://:pw@redis-master:6379/0',
      RESPONSE_TTL_SECONDS: 3600,
      REDIS_KEY_PREFIX: 'gw:',
    });
    expect(sut.lifecycle.SHUTDOWN_GRACE_SECONDS).toBe(600);
  });

  it('keeps secrets out of the ConfigMap', () => {
    const objects = render({
      secrets: { OPENAI_API_KEY: 'sk-secret' },
      redis: { url: 'redis://:pw@r:6379' },
    });
    const configMapText = JSON.stringify(findObject(objects, 'ConfigMap'));
    expect(configMapText).not.toContain('sk-secret');
    expect(configMapText).not.toContain(':pw@');
  });

  it('takes every key of an existing Secret, over the chart Secret', () => {
    const objects = render({
      existingSecret: 'gateway-keys',
      secrets: { OPENAI_API_KEY: 'from-values' },
    });
    expect(gatewayContainer(objects).envFrom).toContainEqual({
      secretRef: { name: 'gateway-keys' },
    });
    const env = effectiveEnvironment(objects, {
      'gateway-keys': {
        OPENAI_API_KEY: 'from-existing',
        GATEWAY_API_KEYS: 'k1,k2',
      },
    });
    expect(env).toMatchObject({
      OPENAI_API_KEY: 'from-existing',
      GATEWAY_API_KEYS: 'k1,k2',
    });
  });

  it('pins API_ADAPTER_PORT to the container port 8080', () => {
    expect(effectiveEnvironment(render({})).API_ADAPTER_PORT).toBe('8080');
  });
});

describe('chart Redis settings', () => {
  it('maps redis.url to REDIS_URL through the chart Secret', () => {
    const objects = render({ redis: { url: 'redis://:pw@redis:6379/0' } });
    expect(secretData(findObject(objects, 'Secret')).REDIS_URL).toBe(
      'redis://:pw@redis:6379/0',
    );
    expect(effectiveEnvironment(objects).REDIS_URL).toBe(
      'redis://:pw@redis:6379/0',
    );
  });

  it('maps redis.existingSecret and its key to REDIS_URL, over redis.url', () => {
    const objects = render({
      redis: {
        url: 'redis://ignored:6379',
        existingSecret: 'redis-auth',
        existingSecretKey: 'uri',
      },
    });
    expect(gatewayContainer(objects).env).toContainEqual({
      name: 'REDIS_URL',
      valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'uri' } },
    });
    expect(objects.map((o) => o.kind)).not.toContain('Secret');
    const env = effectiveEnvironment(objects, {
      'redis-auth': { uri: 'rediss://managed:6380' },
    });
    expect(env.REDIS_URL).toBe('rediss://managed:6380');
  });

  it('maps redis.ttlSeconds to RESPONSE_TTL_SECONDS', () => {
    expect(
      effectiveEnvironment(render({ redis: { ttlSeconds: 86400 } }))
        .RESPONSE_TTL_SECONDS,
    ).toBe('86400');
  });

  it('maps redis.keyPrefix to REDIS_KEY_PREFIX', () => {
    expect(
      effectiveEnvironment(render({ redis: { keyPrefix: 'team-a:' } }))
        .REDIS_KEY_PREFIX,
    ).toBe('team-a:');
  });

  it('sets no Redis variables by default', () => {
    const env = effectiveEnvironment(render({}));
    for (const name of [
      'REDIS_URL',
      'RESPONSE_TTL_SECONDS',
      'REDIS_KEY_PREFIX',
    ]) {
      expect(env).not.toHaveProperty(name);
    }
  });
});

describe('README configuration table', () => {
  it('documents every env var the gateway reads', () => {
    const readme = readFileSync(
      new URL('../../README.md', import.meta.url),
      'utf8',
    );
    const documented = new Set(
      [...readme.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1]),
    );
    expect(appVars.filter((name) => !documented.has(name))).toEqual([]);
  });
});
