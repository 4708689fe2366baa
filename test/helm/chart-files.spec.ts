import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseUpstreamsConfig } from '../../src/config/upstreams/upstreams-config.parser.js';
import { parseMcpServersConfig } from '../../src/config/mcp-servers/mcp-config.parser.js';
import { renderChart, type K8sObject } from './chart-renderer.js';
import {
  effectiveEnvironment,
  findObject,
  gatewayContainer,
  objectsOfKind,
  podSpec,
  type ExistingSecrets,
} from './k8s-objects.js';

function render(values: Record<string, unknown>): K8sObject[] {
  return renderChart({ values }).objects;
}

function kinds(objects: K8sObject[]): string[] {
  return objects.map((object) => object.kind);
}

/** The data of the ConfigMap mounted as a file, and where the env says it is. */
function mountedFile(
  objects: K8sObject[],
  configMapName: string,
  envName: string,
  existing: ExistingSecrets = {},
) {
  const path = effectiveEnvironment(objects, existing)[envName]!;
  const fileName = path.split('/').at(-1)!;
  const mount = (
    gatewayContainer(objects).volumeMounts as {
      name: string;
      mountPath: string;
    }[]
  ).find((m) => m.name === 'config-files')!;
  const volume = (podSpec(objects).volumes as Record<string, any>[]).find(
    (v) => v.name === 'config-files',
  )!;
  const sources = (
    volume.projected.sources as Record<string, { name: string }>[]
  ).map((s) => (s.configMap ?? s.secret)!.name);
  const configMap = findObject(objects, 'ConfigMap', configMapName) as Record<
    string,
    any
  >;
  return {
    path,
    mountDir: mount.mountPath,
    sources,
    text: configMap.data[fileName] as string | undefined,
  };
}

describe('chart MCP servers and upstreams files', () => {
  it('mounts mcpServers as a file the gateway parses, with MCP_SERVERS_CONFIG_PATH on it', () => {
    const objects = render({
      mcpServers: {
        filesystem: {
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-filesystem', '/data'],
        },
        github: {
          url: 'https://mcp.example.com/mcp',
          headers: { Authorization: 'Bearer ${GITHUB_TOKEN}' },
        },
      },
      secrets: { GITHUB_TOKEN: 'ghp-1' },
    });
    const file = mountedFile(
      objects,
      'my-release-open-responses-gateway-mcp',
      'MCP_SERVERS_CONFIG_PATH',
    );
    expect(file.path).toBe(`${file.mountDir}/mcp-servers.json`);
    expect(file.sources).toEqual(['my-release-open-responses-gateway-mcp']);
    const servers = parseMcpServersConfig(
      file.text!,
      effectiveEnvironment(objects),
    );
    expect(servers.map((s) => [s.name, s.kind])).toEqual([
      ['filesystem', 'stdio'],
      ['github', 'http'],
    ]);
    expect(servers[1]).toMatchObject({
      headers: { Authorization: 'Bearer ghp-1' },
    });
  });

  it('mounts upstreams as a file the gateway parses, with UPSTREAMS_CONFIG_PATH on it', () => {
    const objects = render({
      upstreams: {
        vllm: { base_url: 'http://vllm:8000/v1', api_key_env: 'VLLM_KEY' },
      },
      secrets: { VLLM_KEY: 'k' },
    });
    const file = mountedFile(
      objects,
      'my-release-open-responses-gateway-upstreams',
      'UPSTREAMS_CONFIG_PATH',
    );
    expect(file.path).toBe(`${file.mountDir}/upstreams.json`);
    const parsed = parseUpstreamsConfig(
      file.text!,
      effectiveEnvironment(objects),
    );
    expect(
      parsed.upstreams.map((u) => [u.target.name, u.target.apiKey]),
    ).toEqual([['vllm', 'k']]);
  });

  it('mounts client API keys from an existing Secret, with GATEWAY_API_KEYS_FILE on them', () => {
    const objects = render({
      apiKeysSecret: { name: 'client-keys', key: 'keys.txt' },
    });
    const path = effectiveEnvironment(objects).GATEWAY_API_KEYS_FILE!;
    const mount = (
      gatewayContainer(objects).volumeMounts as Record<string, unknown>[]
    ).find((m) => m.name === 'config-files')!;
    expect(path).toBe(`${String(mount.mountPath)}/api-keys`);
    expect(mount.readOnly).toBe(true);
    const volume = (podSpec(objects).volumes as Record<string, any>[]).find(
      (v) => v.name === 'config-files',
    )!;
    expect(volume.projected.sources).toEqual([
      {
        secret: {
          name: 'client-keys',
          items: [{ key: 'keys.txt', path: 'api-keys' }],
        },
      },
    ]);
  });

  it('mounts the named keys file from an existing Secret, with GATEWAY_KEYS_FILE on it', () => {
    const objects = render({
      apiKeysSecret: { name: 'client-keys', key: 'keys.txt' },
      keysFileSecret: { name: 'tenant-keys', key: 'keys.yaml' },
    });
    const env = effectiveEnvironment(objects);
    const mount = (
      gatewayContainer(objects).volumeMounts as Record<string, unknown>[]
    ).find((m) => m.name === 'config-files')!;
    expect(env.GATEWAY_KEYS_FILE).toBe(
      `${String(mount.mountPath)}/tenant-keys`,
    );
    expect(env.GATEWAY_API_KEYS_FILE).toBe(
      `${String(mount.mountPath)}/api-keys`,
    );
    const volume = (podSpec(objects).volumes as Record<string, any>[]).find(
      (v) => v.name === 'config-files',
    )!;
    expect(volume.projected.sources).toContainEqual({
      secret: {
        name: 'tenant-keys',
        items: [{ key: 'keys.yaml', path: 'tenant-keys' }],
      },
    });
  });

  it('mounts no config files and sets no paths without MCP servers or upstreams', () => {
    const objects = render({});
    const env = effectiveEnvironment(objects);
    expect(env).not.toHaveProperty('MCP_SERVERS_CONFIG_PATH');
    expect(env).not.toHaveProperty('UPSTREAMS_CONFIG_PATH');
    expect(env).not.toHaveProperty('GATEWAY_API_KEYS_FILE');
    expect(env).not.toHaveProperty('GATEWAY_KEYS_FILE');
    expect(
      (podSpec(objects).volumes as { name: string }[]).map((v) => v.name),
    ).toEqual(['tmp']);
    expect(objectsOfKind(objects, 'ConfigMap')).toHaveLength(1);
  });
});

describe("README's Helm values example", () => {
  const readme = readFileSync(
    new URL('../../README.md', import.meta.url),
    'utf8',
  );
  const section = readme
    .split(/^## /m)
    .find((part) => part.startsWith('Deploying with Helm'));
  const example = /```yaml\n([\s\S]*?)```/.exec(section ?? '')?.[1];

  it('renders and wires what it promises', () => {
    const objects = render(
      parseYaml(example!, { version: '1.1' }) as Record<string, unknown>,
    );
    const existing = {
      'gateway-keys': { OPENAI_API_KEY: 'sk', GITHUB_TOKEN: 'ghp' },
    };
    const env = effectiveEnvironment(objects, existing);
    expect(env).toMatchObject({
      OPENAI_BASE_URL_INTERNAL: 'http://vllm.inference.svc:8000/v1',
      REDIS_URL: 'redis://redis-master.redis.svc:6379/0',
      RESPONSE_TTL_SECONDS: '86400',
      BODY_LIMIT_BYTES: '33554432',
    });
    const file = mountedFile(
      objects,
      'my-release-open-responses-gateway-mcp',
      'MCP_SERVERS_CONFIG_PATH',
      existing,
    );
    expect(parseMcpServersConfig(file.text!, env)[0]).toMatchObject({
      name: 'github',
      headers: { Authorization: 'Bearer ghp' },
    });
    expect(kinds(objects)).toEqual(
      expect.arrayContaining([
        'Ingress',
        'PodDisruptionBudget',
        'ServiceMonitor',
      ]),
    );
    expect(env.METRICS_PORT).toBe('9090');
    const ingress = findObject(objects, 'Ingress') as Record<string, any>;
    expect(
      (ingress.spec.rules[0].http.paths as { path: string }[]).map(
        (p) => p.path,
      ),
    ).toEqual(['/v1', '/responses']);
  });
});
