import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidEnvironmentError,
  loadDotEnvFile,
  readEnvironment,
} from './read-environment.js';
import { validateEnvironment } from './validate-environment.js';

function failureOf(raw: Record<string, string>): InvalidEnvironmentError {
  try {
    readEnvironment(raw);
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an InvalidEnvironmentError');
}

describe(readEnvironment.name, () => {
  it('fills every default from an empty environment', () => {
    const sut = readEnvironment({});
    expect(sut.server).toMatchObject({
      API_ADAPTER_HOST: '0.0.0.0',
      API_ADAPTER_PORT: 8080,
      LISTEN_BACKLOG: 4096,
      LOG_LEVEL: 'info',
      BODY_LIMIT_BYTES: 32 * 1024 * 1024,
      KEEPALIVE_INTERVAL: 15,
      FORWARD_CLIENT_AUTH: false,
    });
    expect(sut.upstream).toMatchObject({
      OPENAI_BASE_URL_INTERNAL: 'http://localhost:11434/v1',
      UPSTREAM_CONNECT_TIMEOUT_MS: 10_000,
      UPSTREAM_READ_TIMEOUT_MS: 600_000,
    });
    expect(sut.upstream.OPENAI_API_KEY).toBeUndefined();
    expect(sut.conversation).toMatchObject({
      MCP_TOOL_REFRESH_INTERVAL: 10,
      MAX_CONVERSATION_HISTORY: 100,
      MAX_TOOL_CALL_ITERATIONS: 25,
    });
  });

  it('converts numbers and keeps strings from a raw object', () => {
    const sut = readEnvironment({
      API_ADAPTER_PORT: '9090',
      BODY_LIMIT_BYTES: '2048',
      OPENAI_BASE_URL_INTERNAL: 'http://vllm:8000/v1',
      OPENAI_API_KEY: 'sk-123',
      UPSTREAM_READ_TIMEOUT_MS: '250',
      LOG_LEVEL: 'debug',
      MCP_SERVERS_CONFIG_PATH: '/etc/mcp.json',
    });
    expect(sut.server.API_ADAPTER_PORT).toBe(9090);
    expect(sut.server.BODY_LIMIT_BYTES).toBe(2048);
    expect(sut.server.LOG_LEVEL).toBe('debug');
    expect(sut.upstream.OPENAI_BASE_URL_INTERNAL).toBe('http://vllm:8000/v1');
    expect(sut.upstream.OPENAI_API_KEY).toBe('sk-123');
    expect(sut.upstream.UPSTREAM_READ_TIMEOUT_MS).toBe(250);
    expect(sut.conversation.MCP_SERVERS_CONFIG_PATH).toBe('/etc/mcp.json');
  });

  it('treats an empty value, as `FOO=` in a .env file, as unset', () => {
    const sut = readEnvironment({ API_ADAPTER_PORT: '', OPENAI_API_KEY: '' });
    expect(sut.server.API_ADAPTER_PORT).toBe(8080);
    expect(sut.upstream.OPENAI_API_KEY).toBeUndefined();
  });

  it('ignores unrelated variables', () => {
    expect(() =>
      readEnvironment({ PATH: '/usr/bin', HOME: '/root', npm_x: '1' }),
    ).not.toThrow();
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['False', false],
    ['0', false],
    ['no', false],
    ['off', false],
  ])('reads FORWARD_CLIENT_AUTH=%s as %s', (text, expected) => {
    expect(
      readEnvironment({ FORWARD_CLIENT_AUTH: text }).server.FORWARD_CLIENT_AUTH,
    ).toBe(expected);
  });

  it('rejects a flag that is not a boolean', () => {
    expect(failureOf({ FORWARD_CLIENT_AUTH: 'maybe' }).message).toContain(
      'FORWARD_CLIENT_AUTH',
    );
  });

  it('throws one error that lists every bad key', () => {
    const sut = failureOf({
      API_ADAPTER_PORT: 'abc',
      OPENAI_BASE_URL_INTERNAL: 'not-a-url',
      LOG_LEVEL: 'loud',
      MAX_TOOL_CALL_ITERATIONS: '0',
    });
    expect(sut.name).toBe('InvalidEnvironmentError');
    expect(sut.message.startsWith('Invalid environment variables: ')).toBe(
      true,
    );
    // One problem per bad key, and only those.
    expect(sut.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'API_ADAPTER_PORT',
      'LOG_LEVEL',
      'MAX_TOOL_CALL_ITERATIONS',
      'OPENAI_BASE_URL_INTERNAL',
    ]);
    for (const key of [
      'API_ADAPTER_PORT',
      'OPENAI_BASE_URL_INTERNAL',
      'LOG_LEVEL',
      'MAX_TOOL_CALL_ITERATIONS',
    ]) {
      expect(sut.message).toContain(key);
    }
  });

  it('rejects out-of-range numbers', () => {
    const sut = failureOf({
      API_ADAPTER_PORT: '70000',
      BODY_LIMIT_BYTES: '10',
      UPSTREAM_READ_TIMEOUT_MS: '1.5',
      LISTEN_BACKLOG: '0',
    });
    expect(sut.problems).toHaveLength(4);
  });

  it('never echoes the value of a bad setting', () => {
    const sut = failureOf({
      OPENAI_BASE_URL_INTERNAL: 'sk-looks-like-a-secret',
    });
    expect(sut.message).not.toContain('sk-looks-like-a-secret');
  });
});

describe(validateEnvironment.name, () => {
  it('returns the typed environment when it is valid', () => {
    const sut = validateEnvironment({ API_ADAPTER_PORT: '1234' });
    expect(sut.server.API_ADAPTER_PORT).toBe(1234);
    expect(sut.lifecycle.SHUTDOWN_GRACE_SECONDS).toBe(30);
  });

  it('keeps only settings in each group, frozen', () => {
    const sut = validateEnvironment({ PATH: '/usr/bin', LOG_LEVEL: 'warn' });
    expect(sut.server).not.toHaveProperty('PATH');
    expect(sut.upstream).not.toHaveProperty('LOG_LEVEL');
    expect(Object.isFrozen(sut)).toBe(true);
    expect(Object.isFrozen(sut.server)).toBe(true);
  });

  it('throws the same error as readEnvironment', () => {
    expect(() => validateEnvironment({ API_ADAPTER_PORT: 'abc' })).toThrow(
      InvalidEnvironmentError,
    );
  });
});

describe('readEnvironment, memoised', () => {
  it('validates an environment once while its settings keep their text', () => {
    const first = readEnvironment({ API_ADAPTER_PORT: '7001', HOME: '/a' });
    // Another object, other unrelated variables, an empty (unset) setting.
    const again = readEnvironment({
      API_ADAPTER_PORT: '7001',
      HOME: '/b',
      OPENAI_API_KEY: '',
    });
    expect(again).toBe(first);
  });

  it('validates again when a setting changes, never answering a stale one', () => {
    const first = readEnvironment({ API_ADAPTER_PORT: '7002' });
    const second = readEnvironment({ API_ADAPTER_PORT: '7003' });
    expect(second).not.toBe(first);
    expect(second.server.API_ADAPTER_PORT).toBe(7003);
    expect(readEnvironment({ API_ADAPTER_PORT: '7002' }).server).toMatchObject({
      API_ADAPTER_PORT: 7002,
    });
  });

  it('never memoises a failure', () => {
    expect(() => readEnvironment({ API_ADAPTER_PORT: 'abc' })).toThrow(
      InvalidEnvironmentError,
    );
    expect(() => readEnvironment({ API_ADAPTER_PORT: 'abc' })).toThrow(
      InvalidEnvironmentError,
    );
    expect(readEnvironment({}).server.API_ADAPTER_PORT).toBe(8080);
  });
});

describe(loadDotEnvFile.name, () => {
  const keys = ['GATEWAY_SPEC_FROM_FILE', 'GATEWAY_SPEC_ALREADY_SET'];
  afterEach(() => keys.forEach((key) => delete process.env[key]));

  it('fills process.env from the file without overriding what is set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dotenv-'));
    try {
      const path = join(dir, '.env');
      writeFileSync(
        path,
        'GATEWAY_SPEC_FROM_FILE=file\nGATEWAY_SPEC_ALREADY_SET=file\n',
      );
      process.env.GATEWAY_SPEC_ALREADY_SET = 'env';
      loadDotEnvFile(path);
      expect(process.env.GATEWAY_SPEC_FROM_FILE).toBe('file');
      expect(process.env.GATEWAY_SPEC_ALREADY_SET).toBe('env');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does nothing when there is no file', () => {
    expect(() => loadDotEnvFile('/nonexistent/.env')).not.toThrow();
  });
});
