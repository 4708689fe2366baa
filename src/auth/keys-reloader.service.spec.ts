import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TenantDirectory } from '../config/security/tenant-directory.js';
import {
  loadTenantKeys,
  type TenantKeySources,
} from '../config/security/tenant-keys.js';
import { KeysReloaderService } from './keys-reloader.service.js';

describe(KeysReloaderService.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-reloader-'));
  const keysFile = join(dir, 'keys.yaml');
  afterEach(() => rmSync(keysFile, { force: true }));

  function reloaderFor(text: string): {
    sut: KeysReloaderService;
    directory: TenantDirectory;
  } {
    writeFileSync(keysFile, text);
    const keySources: TenantKeySources = { keysFile };
    const directory = TenantDirectory.of(loadTenantKeys(keySources).keys)!;
    const sut = new KeysReloaderService({
      apiKeys: directory,
      keySources,
      corsOrigins: undefined,
    });
    sut.onApplicationBootstrap();
    return { sut, directory };
  }

  it('swaps in the keys of a changed file: a removed key is refused', () => {
    const { sut, directory } = reloaderFor(
      'keys: [{ name: a, key: sk-aaaa-0001 }, { name: b, key: sk-bbbb-0001 }]',
    );
    writeFileSync(keysFile, 'keys: [{ name: b, key: sk-bbbb-0001 }]');
    sut.reloadIfChanged();
    sut.onApplicationShutdown();
    expect(directory.resolve('sk-aaaa-0001')).toBeUndefined();
    expect(directory.resolve('sk-bbbb-0001')?.id).toBe('b');
  });

  it.each([
    ['an invalid file', 'keys: [{ name: a }]'],
    ['an emptied file', ''],
  ])('keeps the keys in use after %s', (_case, text) => {
    const { sut, directory } = reloaderFor('[{ name: a, key: sk-aaaa-0001 }]');
    writeFileSync(keysFile, text);
    sut.reloadIfChanged();
    rmSync(keysFile);
    sut.reloadIfChanged();
    sut.onApplicationShutdown();
    expect(directory.resolve('sk-aaaa-0001')?.id).toBe('a');
  });
});
