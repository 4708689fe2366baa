import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidEnvironmentError } from './read-environment.js';
import { securityConfig } from './security.config.js';

describe('securityConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'security-config-'));
  const keyFile = join(dir, 'keys');
  afterEach(() => {
    delete process.env.GATEWAY_API_KEYS_FILE;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the key file again: one emptied since validation stops the start', () => {
    writeFileSync(keyFile, 'k1\n');
    process.env.GATEWAY_API_KEYS_FILE = keyFile;
    expect(securityConfig().apiKeys?.matches('k1')).toBe(true);
    // The same settings, so the memoised validation is not run again.
    writeFileSync(keyFile, '# no key left\n');
    expect(() => securityConfig()).toThrow(InvalidEnvironmentError);
  });
});
