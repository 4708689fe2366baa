import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fallbackProblems,
  loadUpstreamsConfig,
  parseUpstreamsConfig,
  UpstreamsConfigError,
} from './upstreams-config.parser.js';

const env = { LMSTUDIO_KEY: 'sk-lm', EMPTY_KEY: '' };

function problemsOf(document: unknown): string[] {
  try {
    parseUpstreamsConfig(JSON.stringify(document), env);
  } catch (error) {
    if (error instanceof UpstreamsConfigError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected an UpstreamsConfigError');
}

describe(parseUpstreamsConfig.name, () => {
  it('reads every field and resolves the API key from the environment', () => {
    const sut = parseUpstreamsConfig(
      JSON.stringify({
        upstreams: {
          lmstudio: {
            base_url: 'http://lmstudio:1234/v1/',
            api_key_env: 'LMSTUDIO_KEY',
            models: ['qwen/qwen3', 'gemma'],
            supports_tool_role: false,
            tool_call_format: 'hermes-json',
            headers: { 'X-Team': 'ml' },
            model_overrides: {
              gemma: { tool_call_format: '<call>,</call>' },
            },
          },
          vllm: { base_url: 'https://vllm.internal/v1', models: '^llama-' },
        },
        fallback: 'vllm',
      }),
      env,
    );
    expect(sut.fallback).toBe('vllm');
    expect(sut.upstreams).toHaveLength(2);
    const [lmstudio, vllm] = sut.upstreams;
    expect(lmstudio).toEqual({
      target: {
        name: 'lmstudio',
        baseUrl: 'http://lmstudio:1234/v1',
        apiKey: 'sk-lm',
        headers: { 'x-team': 'ml' },
        supportsToolRole: false,
        toolCallFormat: 'hermes-json',
      },
      models: { kind: 'list', ids: ['qwen/qwen3', 'gemma'] },
      modelOverrides: { gemma: { toolCallFormat: '<call>,</call>' } },
    });
    expect(vllm!.target).toMatchObject({
      supportsToolRole: true,
      toolCallFormat: 'auto',
      headers: {},
    });
    expect(vllm!.target.apiKey).toBeUndefined();
    expect(vllm!.models).toEqual({ kind: 'pattern', pattern: /^llama-/ });
  });

  it('accepts an empty upstreams object', () => {
    expect(parseUpstreamsConfig('{"upstreams":{}}', env)).toEqual({
      upstreams: [],
    });
  });

  it('names the upstream and the field of each problem, all at once', () => {
    expect(
      problemsOf({
        upstreams: {
          a: { base_url: 'ftp://x' },
          b: { base_url: 'http://b/v1', api_key_env: 'MISSING_KEY' },
          c: { base_url: 'http://c/v1', models: '(' },
          d: { base_url: 'http://d/v1', models: [1] },
          e: { base_url: 'http://e/v1', supports_tool_role: 'no' },
          f: { base_url: 'http://f/v1', baseurl: 'typo' },
          g: {
            base_url: 'http://g/v1',
            model_overrides: { m: { tool_call_format: '', format: 'x' } },
          },
          h: { base_url: 'http://h/v1', headers: { x: 1 } },
          i: { base_url: 'http://i/v1', api_key_env: 'EMPTY_KEY' },
        },
      }),
    ).toEqual([
      'upstreams.a.base_url: must be an absolute http:// or https:// URL',
      'upstreams.b.api_key_env: environment variable MISSING_KEY is not set',
      expect.stringMatching(/^upstreams\.c\.models: is not a valid regular/),
      'upstreams.d.models: must be an array of model ids or a regular expression string',
      'upstreams.e.supports_tool_role: must be true or false',
      'upstreams.f.baseurl: unknown field',
      'upstreams.g.model_overrides.m.format: unknown field',
      'upstreams.g.model_overrides.m.tool_call_format: must be a non-empty string',
      'upstreams.h.headers.x: must be a string',
      'upstreams.i.api_key_env: environment variable EMPTY_KEY is not set',
    ]);
  });

  it('rejects reserved and unsafe upstream names', () => {
    const problems = problemsOf({
      upstreams: {
        default: { base_url: 'http://a/v1' },
        v1: { base_url: 'http://a/v1' },
        'a/b': { base_url: 'http://a/v1' },
      },
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'upstreams.default',
      'upstreams.v1',
      'upstreams.a/b',
    ]);
  });

  it('rejects a fallback that names no upstream, and unknown top-level fields', () => {
    expect(
      problemsOf({
        upstreams: { a: { base_url: 'http://a/v1' } },
        fallback: 'b',
        retries: 3,
      }),
    ).toEqual([
      'retries: unknown field',
      "fallback: names no configured upstream ('b')",
    ]);
  });

  it('reports a fallback upstream that has problems of its own only once, under its name', () => {
    const problems = problemsOf({
      upstreams: {
        vllm: { base_url: 'http://vllm/v1', api_key_env: 'UNSET_KEY_ENV' },
      },
      fallback: 'vllm',
    });
    expect(problems.some((p) => p.startsWith('upstreams.vllm'))).toBe(true);
    expect(problems.join('\n')).not.toContain('names no configured upstream');
  });

  it('rejects invalid JSON and a missing upstreams object', () => {
    expect(() => parseUpstreamsConfig('{', env)).toThrow(/invalid JSON/);
    expect(problemsOf({ upstream: {} })).toEqual([
      'upstreams: must be an object',
    ]);
  });

  it('never puts an API key into a message', () => {
    const problems = problemsOf({
      upstreams: {
        lmstudio: { base_url: 'nope', api_key_env: 'LMSTUDIO_KEY' },
      },
    });
    expect(problems.join()).not.toContain('sk-lm');
  });
});

describe(fallbackProblems.name, () => {
  const file = parseUpstreamsConfig(
    '{"upstreams":{"a":{"base_url":"http://a/v1"}}}',
    env,
  );

  it('accepts nothing, default and a configured name', () => {
    expect(fallbackProblems(undefined, file, 'X')).toEqual([]);
    expect(fallbackProblems('default', file, 'X')).toEqual([]);
    expect(fallbackProblems('a', file, 'X')).toEqual([]);
  });

  it('names the setting of an unknown fallback', () => {
    expect(fallbackProblems('z', file, 'UPSTREAM_FALLBACK')).toEqual([
      "UPSTREAM_FALLBACK: names no configured upstream ('z')",
    ]);
  });
});

describe(loadUpstreamsConfig.name, () => {
  it('reads the file, and names the path when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'upstreams-'));
    try {
      const path = join(dir, 'upstreams.json');
      writeFileSync(path, '{"upstreams":{"a":{"base_url":"http://a/v1"}}}');
      expect(loadUpstreamsConfig(path, env).upstreams).toHaveLength(1);
      expect(() => loadUpstreamsConfig(join(dir, 'missing.json'), env)).toThrow(
        /missing\.json: cannot read the file/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
