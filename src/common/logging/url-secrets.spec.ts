import { describe, expect, it } from 'vitest';
import { loggableUrl, urlPasswords } from './url-secrets.js';

describe(urlPasswords.name, () => {
  it('gives the password as written and decoded', () => {
    expect(urlPasswords('redis://user:p%40ss%2Fword@host:6379/0')).toEqual([
      'p%40ss%2Fword',
      'p@ss/word',
    ]);
    expect(urlPasswords('rediss://:plain-secret@host')).toEqual([
      'plain-secret',
    ]);
  });

  it('gives nothing without a password or a URL', () => {
    expect(urlPasswords('redis://host:6379')).toEqual([]);
    expect(urlPasswords('redis://user@host')).toEqual([]);
    expect(urlPasswords(undefined)).toEqual([]);
    expect(urlPasswords('not a url')).toEqual([]);
  });
});

describe('loggableUrl', () => {
  it('drops user info, query and fragment', () => {
    expect(loggableUrl('https://u:p@mcp.example/v1/mcp?token=t#x')).toBe(
      'https://mcp.example/v1/mcp',
    );
  });

  it('does not echo a text that is not a URL', () => {
    expect(loggableUrl('not a url with sk-secret')).toBe('(not a URL)');
  });
});
