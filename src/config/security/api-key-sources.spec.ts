import { describe, expect, it } from 'vitest';
import { loadApiKeys, parseKeyFile, parseKeyList } from './api-key-sources.js';

describe(loadApiKeys.name, () => {
  const files: Record<string, string> = {
    '/keys': '# team A\nfile-key-1\n\n  file-key-2  \r\n# old: revoked\n',
    '/empty': '# nothing here\n\n',
    '/spaced': 'two words\n',
  };
  const readFile = (path: string): string => {
    const text = files[path];
    if (text === undefined) {
      throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    }
    return text;
  };

  it('parses a comma list, trimming blanks', () => {
    expect(parseKeyList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
  });

  it('parses a key file: one key a line, # comments and blank lines skipped', () => {
    expect(parseKeyFile(files['/keys']!)).toEqual(['file-key-1', 'file-key-2']);
  });

  it('joins both sources, each key once', () => {
    const sut = loadApiKeys(
      { list: 'env-key,file-key-1', file: '/keys' },
      readFile,
    );
    expect(sut).toEqual({
      keys: ['env-key', 'file-key-1', 'file-key-2'],
      problems: [],
    });
  });

  it('turns nothing on when neither source is set', () => {
    expect(loadApiKeys({}, readFile)).toEqual({ keys: [], problems: [] });
  });

  it('reports a source that yields no key, an unreadable file and bad keys, never a key', () => {
    expect(loadApiKeys({ list: ' , ' }, readFile).problems).toEqual([
      'GATEWAY_API_KEYS: lists no key',
    ]);
    expect(loadApiKeys({ file: '/missing' }, readFile).problems).toEqual([
      'GATEWAY_API_KEYS_FILE: cannot read /missing (ENOENT)',
    ]);
    expect(loadApiKeys({ file: '/empty' }, readFile).problems).toEqual([
      'GATEWAY_API_KEYS_FILE: /empty holds no key',
    ]);
    const spaced = loadApiKeys({ file: '/spaced' }, readFile).problems;
    expect(spaced).toEqual([
      'GATEWAY_API_KEYS_FILE: 1 key(s) contain whitespace or a comma',
    ]);
    expect(spaced.join()).not.toContain('two words');
  });
});
