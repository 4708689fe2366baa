import { describe, expect, it } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { Tenant } from '../config/security/tenant.js';
import {
  allowsMcpTool,
  allowsModel,
  assertHostedMcpAllowed,
  assertModelAllowed,
  matchesAny,
  matchesQualified,
  type ModelRoute,
} from './access-policy.js';

const tenant = (lists: Partial<Tenant> = {}): Tenant => ({
  id: 'team-a',
  label: 'team-a',
  hostedMcp: true,
  limits: {},
  metadata: {},
  ...lists,
});

const on = (upstream: string, model: string) => (): ModelRoute => ({
  target: { name: upstream },
  model,
});

describe(matchesAny.name, () => {
  it('matches exact names whole, and nothing else', () => {
    expect(matchesAny(['gpt-4o'], ['gpt-4o'])).toBe(true);
    expect(matchesAny(['gpt-4o'], ['gpt-4o-mini'])).toBe(false);
    expect(matchesAny(['gpt-4o'], ['x-gpt-4o'])).toBe(false);
  });

  it('reads * as any run of characters, slashes included', () => {
    expect(matchesAny(['gpt-*'], ['gpt-4o', 'gpt-'])).toBe(true);
    expect(matchesAny(['lmstudio/*'], ['lmstudio/qwen/qwen3'])).toBe(true);
    expect(matchesAny(['*-mini'], ['gpt-4o-mini'])).toBe(true);
    expect(matchesAny(['*'], ['anything/at all'])).toBe(true);
    expect(matchesAny(['lmstudio/*'], ['lmstudio'])).toBe(false);
  });

  it('takes every other character literally', () => {
    expect(matchesAny(['a.b'], ['axb'])).toBe(false);
    expect(matchesAny(['a.b'], ['a.b'])).toBe(true);
    expect(matchesAny(['(x)+[y]?'], ['(x)+[y]?'])).toBe(true);
    expect(matchesAny(['^beta$'], ['beta'])).toBe(false);
  });

  it('allows everything without a list and nothing with an empty one', () => {
    expect(matchesAny(undefined, ['m'])).toBe(true);
    expect(matchesAny([], ['m'])).toBe(false);
  });

  it('answers alike for the same list object asked again', () => {
    const list = ['a*'];
    expect(matchesAny(list, ['abc'])).toBe(true);
    expect(matchesAny(list, ['b'])).toBe(false);
  });
});

describe(matchesQualified.name, () => {
  it('never lets a * cross from the upstream into the model', () => {
    expect(matchesQualified(['fake-*'], 'fake-cloud', 'gpt-4o')).toBe(false);
    expect(matchesQualified(['fake*gpt-4o'], 'fake-cloud', 'gpt-4o')).toBe(
      false,
    );
    expect(matchesQualified(['*'], 'default', 'gpt-4o')).toBe(false);
    expect(matchesQualified(['fake-*/gpt-*'], 'fake-cloud', 'gpt-4o')).toBe(
      true,
    );
    expect(matchesQualified(['*/*'], 'paid', 'qwen/qwen3')).toBe(true);
  });

  it('lets a * after the upstream match slashes', () => {
    expect(matchesQualified(['lmstudio/*'], 'lmstudio', 'qwen/qwen3')).toBe(
      true,
    );
    expect(matchesQualified(['lmstudio/*'], 'lmstudio-2', 'qwen')).toBe(false);
    expect(matchesQualified(['lmstudio/*'], 'lmstudio', '')).toBe(true);
  });
});

describe(allowsModel.name, () => {
  it('allows any model without a tenant or without a model list, without routing', () => {
    const route = (): ModelRoute => {
      throw new Error('must not route');
    };
    expect(allowsModel(undefined, { model: 'x' }, route)).toBe(true);
    expect(allowsModel(tenant(), { model: 'x' }, route)).toBe(true);
  });

  it('matches the model as requested, or as upstream/model after routing', () => {
    const sut = tenant({ models: ['gpt-*', 'lmstudio/*', 'default/llama'] });
    expect(allowsModel(sut, { model: 'gpt-4o' }, on('default', 'gpt-4o'))).toBe(
      true,
    );
    // A bare name claimed by the lmstudio upstream.
    expect(allowsModel(sut, { model: 'qwen' }, on('lmstudio', 'qwen'))).toBe(
      true,
    );
    expect(allowsModel(sut, { model: 'llama' }, on('default', 'llama'))).toBe(
      true,
    );
    expect(allowsModel(sut, { model: 'llama' }, on('other', 'llama'))).toBe(
      false,
    );
    expect(allowsModel(sut, { model: 'o3' }, on('default', 'o3'))).toBe(false);
  });

  it('does not match the bare model of a path that names the upstream', () => {
    const sut = tenant({ models: ['gpt-4o'] });
    expect(
      allowsModel(
        sut,
        { model: 'gpt-4o', upstreamName: 'paid' },
        on('paid', 'gpt-4o'),
      ),
    ).toBe(false);
    expect(
      allowsModel(
        tenant({ models: ['paid/*'] }),
        { model: 'gpt-4o', upstreamName: 'paid' },
        on('paid', 'gpt-4o'),
      ),
    ).toBe(true);
  });
});

describe('allowsModel across upstreams', () => {
  const sut = tenant({ models: ['fake-*', 'paid/*'] });

  it('matches a model routed by a name/ prefix only as upstream/model', () => {
    // `fake-cloud` is an upstream: `fake-*` is about default models only.
    expect(
      allowsModel(
        sut,
        { model: 'fake-cloud/gpt-expensive' },
        on('fake-cloud', 'gpt-expensive'),
      ),
    ).toBe(false);
    expect(
      allowsModel(sut, { model: 'paid/qwen/qwen3' }, on('paid', 'qwen/qwen3')),
    ).toBe(true);
  });

  it('still matches a slashed name no upstream prefix routed, as requested', () => {
    expect(
      allowsModel(sut, { model: 'fake-org/m' }, on('default', 'fake-org/m')),
    ).toBe(true);
  });

  it('allows every model of every upstream with */*, and * only unprefixed names', () => {
    const all = tenant({ models: ['*/*'] });
    const bare = tenant({ models: ['*'] });
    expect(allowsModel(all, { model: 'paid/x' }, on('paid', 'x'))).toBe(true);
    expect(allowsModel(all, { model: 'x' }, on('default', 'x'))).toBe(true);
    expect(allowsModel(bare, { model: 'x' }, on('default', 'x'))).toBe(true);
    expect(allowsModel(bare, { model: 'paid/x' }, on('paid', 'x'))).toBe(false);
  });
});

describe(assertModelAllowed.name, () => {
  it('refuses with 403 model_not_allowed on param model, naming no key', () => {
    const error = (() => {
      try {
        assertModelAllowed(
          tenant({ models: ['a/*'] }),
          { model: 'm', upstreamName: 'b' },
          on('b', 'm'),
        );
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GatewayException);
    const gateway = error as GatewayException;
    expect(gateway.code).toBe('forbidden');
    expect(gateway.param).toBe('model');
    expect(gateway.options.openAiCode).toBe('model_not_allowed');
    expect(gateway.message).toContain("'b/m'");
  });

  it('lets an allowed model through', () => {
    expect(() =>
      assertModelAllowed(
        tenant({ models: ['m'] }),
        { model: 'm' },
        on('d', 'm'),
      ),
    ).not.toThrow();
  });
});

describe(allowsMcpTool.name, () => {
  it('allows every tool without a tenant or without lists', () => {
    expect(allowsMcpTool(undefined, 'fs', 'read')).toBe(true);
    expect(allowsMcpTool(tenant(), 'fs', 'read')).toBe(true);
  });

  it('restricts by server, by server__tool pattern, or by the bare tool name', () => {
    const servers = tenant({ mcpServers: ['fs'] });
    expect(allowsMcpTool(servers, 'fs', 'read')).toBe(true);
    expect(allowsMcpTool(servers, 'web', 'read')).toBe(false);

    const tools = tenant({ mcpTools: ['fs__read*', 'echo'] });
    expect(allowsMcpTool(tools, 'fs', 'read_file')).toBe(true);
    expect(allowsMcpTool(tools, 'fs', 'write_file')).toBe(false);
    expect(allowsMcpTool(tools, 'web', 'echo')).toBe(true);
    expect(allowsMcpTool(tools, 'web', 'read_file')).toBe(false);
  });

  it('needs both lists to agree when both are given', () => {
    const both = tenant({ mcpServers: ['fs'], mcpTools: ['*__echo'] });
    expect(allowsMcpTool(both, 'fs', 'echo')).toBe(true);
    expect(allowsMcpTool(both, 'web', 'echo')).toBe(false);
    expect(allowsMcpTool(both, 'fs', 'read')).toBe(false);
  });

  it('allows no configured tool with empty lists', () => {
    expect(allowsMcpTool(tenant({ mcpServers: [] }), 'fs', 'read')).toBe(false);
  });
});

describe(assertHostedMcpAllowed.name, () => {
  it('refuses hosted MCP tools for a key with hosted_mcp false only', () => {
    const refused = tenant({ hostedMcp: false });
    expect(() => assertHostedMcpAllowed(refused, () => true)).toThrow(
      expect.objectContaining({
        code: 'forbidden',
        options: expect.objectContaining({
          openAiCode: 'hosted_mcp_not_allowed',
        }),
      }),
    );
    expect(() => assertHostedMcpAllowed(refused, () => false)).not.toThrow();
    expect(() => assertHostedMcpAllowed(tenant(), () => true)).not.toThrow();
    expect(() => assertHostedMcpAllowed(undefined, () => true)).not.toThrow();
  });
});
