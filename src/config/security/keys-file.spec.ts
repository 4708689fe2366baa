import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKeysFile } from './keys-file.js';
import { loadTenantKeys } from './tenant-keys.js';
import { TenantDirectory } from './tenant-directory.js';

const SHA_OF_SEARCH_KEY = createHash('sha256')
  .update('sk-search-0001')
  .digest('hex');

const YAML_FILE = `
keys:
  - name: team-search
    sha256: ${SHA_OF_SEARCH_KEY}
    models: ["gpt-4o*", "vllm/*"]
    mcp_servers: [github]
    mcp_tools: ["github__search_*"]
    hosted_mcp: false
    pass_through: [embeddings, "audio/*"]
    requests_per_minute: 600
    tokens_per_minute: 200000
    tokens_per_day: 5000000
    metadata: { team: search, cost_centre: "4711" }
  - name: batch
    key: sk-batch-0002
`;

describe(parseKeysFile.name, () => {
  it('reads named keys, by key or digest, with their lists and limits', () => {
    const { keys, problems } = parseKeysFile(YAML_FILE);
    expect(problems).toEqual([]);
    const directory = TenantDirectory.of(keys)!;
    expect(directory.resolve('sk-search-0001')).toEqual({
      id: 'team-search',
      label: 'team-search',
      models: ['gpt-4o*', 'vllm/*'],
      mcpServers: ['github'],
      mcpTools: ['github__search_*'],
      hostedMcp: false,
      passThrough: ['embeddings', 'audio/*'],
      limits: {
        requestsPerMinute: 600,
        tokensPerMinute: 200000,
        tokensPerDay: 5000000,
      },
      metadata: { team: 'search', cost_centre: '4711' },
    });
    expect(directory.resolve('sk-batch-0002')).toMatchObject({
      id: 'batch',
      hostedMcp: true,
      limits: {},
    });
    expect(keys[1]!.secret).toBe('sk-batch-0002');
    expect(keys[0]!.secret).toBeUndefined();
  });

  it('lets a key with listed MCP tools declare hosted MCP servers only when it says so', () => {
    const [listed, open, allowed] = parseKeysFile(
      '[{ name: a, key: sk-aaaa-0001, mcp_servers: [github] },' +
        ' { name: b, key: sk-bbbb-0001 },' +
        ' { name: c, key: sk-cccc-0001, mcp_tools: [x], hosted_mcp: true }]',
    ).keys.map((key) => key.tenant.hostedMcp);
    expect([listed, open, allowed]).toEqual([false, true, true]);
  });

  it('reads the same file written as JSON, as a bare list', () => {
    const json = JSON.stringify([{ name: 'a', key: 'sk-aaaa-0001' }]);
    expect(parseKeysFile(json).keys[0]!.tenant.id).toBe('a');
  });

  it.each([
    ['', /non-empty list/],
    ['keys: []', /non-empty list/],
    ['keys: [{ name: a }]', /keys\.0: needs exactly one of key and sha256/],
    ['[{ name: a, key: sk-aaaa-0001, sha256: "00" }]', /exactly one/],
    ['[{ name: "a b", key: sk-aaaa-0001 }]', /keys\.0\.name/],
    ['[{ name: a, key: short }]', /keys\.0\.key: must be at least 8/],
    ['[{ name: a, sha256: xyz }]', /keys\.0\.sha256: must be 64 hex/],
    [
      '[{ name: a, key: sk-aaaa-0001, request_per_minute: 5 }]',
      /request_per_minute: is not a known field/,
    ],
    [
      '[{ name: a, key: sk-aaaa-0001, tokens_per_day: 0 }]',
      /tokens_per_day: must be a whole number/,
    ],
    ['[{ name: a, key: sk-aaaa-0001, models: gpt }]', /models: must be a list/],
    ['[{ name: a, key: sk-aaaa-0001, hosted_mcp: "no" }]', /hosted_mcp/],
    [
      '[{ name: a, key: sk-aaaa-0001, pass_through: embeddings }]',
      /pass_through: must be a list/,
    ],
    [
      '[{ name: a, key: sk-aaaa-0001, pass_through: [""] }]',
      /pass_through: must be a list/,
    ],
    [
      '[{ name: a, key: sk-aaaa-0001 }, { name: a, key: sk-bbbb-0001 }]',
      /name a is used twice/,
    ],
    [
      '[{ name: a, key: sk-aaaa-0001 }, { name: b, key: sk-aaaa-0001 }]',
      /b repeats the key/,
    ],
    ['{ keys: [', /not YAML or JSON/],
    [
      '[{ name: "key:0011223344556677", key: sk-aaaa-0001 }]',
      /must not start with key:/,
    ],
  ])('refuses %j, naming the entry, never the key', (text, problem) => {
    const { keys, problems } = parseKeysFile(text);
    expect(keys).toEqual([]);
    expect(problems.join('\n')).toMatch(problem);
    expect(problems.join('\n')).not.toContain('sk-aaaa-0001');
  });

  it('refuses YAML aliases (a billion laughs is not a keys file)', () => {
    const text =
      'a: &x [1]\nkeys: [{ name: a, key: sk-aaaa-0001, metadata: *x }]';
    expect(parseKeysFile(text).problems.length).toBeGreaterThan(0);
  });
});

describe(loadTenantKeys.name, () => {
  it('joins unnamed keys of GATEWAY_API_KEYS and named ones of the keys file', () => {
    const files: Record<string, string> = { '/keys.yaml': YAML_FILE };
    const { keys, problems } = loadTenantKeys(
      { list: 'sk-legacy-0003', keysFile: '/keys.yaml' },
      (path) => files[path]!,
    );
    expect(problems).toEqual([]);
    expect(keys.map((key) => key.tenant.label)).toEqual([
      'unnamed',
      'team-search',
      'batch',
    ]);
  });

  it('refuses a key that is both unnamed and named', () => {
    const { problems } = loadTenantKeys(
      { list: 'sk-batch-0002', keysFile: '/k' },
      () => YAML_FILE,
    );
    expect(problems).toEqual([
      'GATEWAY_KEYS_FILE: batch repeats a key of GATEWAY_API_KEYS(_FILE)',
    ]);
  });

  it('names an unreadable keys file', () => {
    const { problems } = loadTenantKeys({ keysFile: '/missing' }, () => {
      throw Object.assign(new Error('gone'), { code: 'ENOENT' });
    });
    expect(problems).toEqual([
      'GATEWAY_KEYS_FILE: cannot read /missing (ENOENT)',
    ]);
  });
});
