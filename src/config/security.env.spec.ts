import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  InvalidEnvironmentError,
  readEnvironment,
} from './read-environment.js';
import { securityProblems } from './security.env.js';

function problemsOf(raw: Record<string, string>): string[] {
  try {
    readEnvironment(raw);
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe(securityProblems.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'security-env-'));
  const keyFile = join(dir, 'keys');
  writeFileSync(keyFile, 'k1\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to no auth, no CORS and a 30 s shutdown grace', () => {
    const sut = readEnvironment({});
    expect(sut.security.GATEWAY_API_KEYS).toBeUndefined();
    expect(sut.security.GATEWAY_API_KEYS_FILE).toBeUndefined();
    expect(sut.security.CORS_ORIGINS).toBeUndefined();
    expect(sut.lifecycle.SHUTDOWN_GRACE_SECONDS).toBe(30);
  });

  it('accepts keys from the list, the file or both', () => {
    expect(problemsOf({ GATEWAY_API_KEYS: 'a,b' })).toEqual([]);
    expect(problemsOf({ GATEWAY_API_KEYS_FILE: keyFile })).toEqual([]);
    expect(
      problemsOf({ GATEWAY_API_KEYS: 'a', GATEWAY_API_KEYS_FILE: keyFile }),
    ).toEqual([]);
  });

  it('rejects FORWARD_CLIENT_AUTH with gateway keys: the gateway key would reach the upstream', () => {
    const sources: Record<string, string>[] = [
      { GATEWAY_API_KEYS: 'a' },
      { GATEWAY_API_KEYS_FILE: keyFile },
    ];
    for (const keys of sources) {
      const problems = problemsOf({ FORWARD_CLIENT_AUTH: 'true', ...keys });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^FORWARD_CLIENT_AUTH: cannot be true/);
    }
    expect(problemsOf({ FORWARD_CLIENT_AUTH: 'true' })).toEqual([]);
  });

  it('lists an unreadable key file with the other bad keys, in one error', () => {
    const problems = problemsOf({
      GATEWAY_API_KEYS_FILE: join(dir, 'missing'),
      CORS_ORIGINS: 'example.com',
      SHUTDOWN_GRACE_SECONDS: '-1',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CORS_ORIGINS: /),
        expect.stringMatching(/^SHUTDOWN_GRACE_SECONDS: /),
        `GATEWAY_API_KEYS_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
      ]),
    );
  });
});
