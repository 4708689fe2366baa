import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { UpstreamRegistry } from './upstream-registry.service.js';
import { UpstreamRouter } from './upstream-router.service.js';
import { parseUpstreamsConfig } from '../config/upstreams/upstreams-config.parser.js';

function createRouter(
  upstreams: Record<string, unknown>,
  fallback?: string,
): { sut: UpstreamRouter; registry: UpstreamRegistry } {
  const file = parseUpstreamsConfig(JSON.stringify({ upstreams }), {});
  const registry = new UpstreamRegistry(
    { baseUrl: 'http://default/v1', apiKey: 'sk-default' },
    {
      upstreams: file.upstreams,
      fallback,
      defaultToolCallFormat: 'qwen3-coder-xml',
    },
  );
  return { sut: new UpstreamRouter(registry), registry };
}

const { sut } = createRouter({
  lmstudio: {
    base_url: 'http://lmstudio/v1',
    models: ['gemma-3', 'qwen/qwen3'],
    supports_tool_role: false,
    tool_call_format: 'hermes-json',
    model_overrides: {
      'gemma-3': { tool_call_format: 'gemma4', supports_tool_role: true },
    },
  },
  vllm: { base_url: 'http://vllm/v1', models: '^llama-' },
  'qwen.local': { base_url: 'http://qwen/v1' },
});

describe(UpstreamRouter.name, () => {
  it('routes a configured name prefix there, splitting at the first slash only', () => {
    const routed = sut.route('lmstudio/qwen/qwen3-next-80b');
    expect(routed.target.name).toBe('lmstudio');
    expect(routed.model).toBe('qwen/qwen3-next-80b');
  });

  it('leaves a prefix that names no upstream in the model', () => {
    const routed = sut.route('qwen/qwen3');
    // Not an upstream called `qwen`, but a model lmstudio lists.
    expect(routed.target.name).toBe('lmstudio');
    expect(routed.model).toBe('qwen/qwen3');
    expect(sut.route('meta/llama').target.name).toBe('default');
    expect(sut.route('meta/llama').model).toBe('meta/llama');
  });

  it('routes a listed model, and one matching a pattern', () => {
    expect(sut.route('gemma-3').target.name).toBe('lmstudio');
    expect(sut.route('llama-3.1-8b').target.name).toBe('vllm');
    expect(sut.route('llama-3.1-8b').model).toBe('llama-3.1-8b');
  });

  it('sends anything else to the default upstream with its format', () => {
    const routed = sut.route('gpt-4o');
    expect(routed).toMatchObject({
      model: 'gpt-4o',
      toolCallFormat: 'qwen3-coder-xml',
      supportsToolRole: true,
    });
    expect(routed.target).toMatchObject({
      name: 'default',
      baseUrl: 'http://default/v1',
      apiKey: 'sk-default',
    });
  });

  it('lets a path-selected upstream win and keeps the model untouched', () => {
    const routed = sut.route('llama-3.1-8b', 'lmstudio');
    expect(routed.target.name).toBe('lmstudio');
    expect(routed.model).toBe('llama-3.1-8b');
    expect(sut.route('vllm/x', 'default').target.name).toBe('default');
    expect(sut.route('vllm/x', 'default').model).toBe('vllm/x');
  });

  it('accepts upstream names with dots and the default name as a prefix', () => {
    expect(sut.route('qwen.local/qwen3').target.name).toBe('qwen.local');
    expect(sut.route('default/gpt-4o')).toMatchObject({
      model: 'gpt-4o',
      target: { name: 'default' },
    });
  });

  it('does not treat a bare prefix with an empty model as routing', () => {
    expect(sut.route('vllm/').target.name).toBe('default');
    expect(sut.route('/x').model).toBe('/x');
  });

  it("applies the upstream's settings and per-model overrides", () => {
    expect(sut.route('lmstudio/qwen/qwen3')).toMatchObject({
      toolCallFormat: 'hermes-json',
      supportsToolRole: false,
      target: { supportsToolRole: false, toolCallFormat: 'hermes-json' },
    });
    expect(sut.route('gemma-3')).toMatchObject({
      toolCallFormat: 'gemma4',
      supportsToolRole: true,
      target: { supportsToolRole: true, toolCallFormat: 'gemma4' },
    });
    expect(sut.route('vllm/x').toolCallFormat).toBe('auto');
  });

  it('throws not_found for an unknown path-selected upstream', () => {
    let error: unknown;
    try {
      sut.route('m', 'nowhere');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayException);
    expect(error).toMatchObject({ code: 'not_found', param: 'model' });
    expect((error as Error).message).toContain('nowhere');
  });
});

describe(UpstreamRegistry.name, () => {
  it('lists the default upstream first, then the file order', () => {
    const { registry } = createRouter({
      b: { base_url: 'http://b/v1' },
      a: { base_url: 'http://a/v1' },
    });
    expect(registry.targets.map((t) => t.name)).toEqual(['default', 'b', 'a']);
  });

  it('never offers an upstream as its own fallback', () => {
    const { registry } = createRouter({ b: { base_url: 'http://b/v1' } }, 'b');
    expect(registry.fallbackFor(registry.defaultTarget)?.name).toBe('b');
    expect(registry.fallbackFor(registry.target('b')!)).toBeUndefined();
    const none = createRouter({ b: { base_url: 'http://b/v1' } }).registry;
    expect(none.fallbackFor(none.defaultTarget)).toBeUndefined();
  });
});
