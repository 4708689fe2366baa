import { describe, expect, it } from 'vitest';
import { editDistance, findSettingTypos } from './setting-typos.js';

const SETTINGS = ['OPENAI_BASE_URL_INTERNAL', 'OPENAI_API_KEY', 'LOG_LEVEL'];

describe('findSettingTypos', () => {
  it('suggests the setting a misspelt name is closest to', () => {
    expect(
      findSettingTypos(['OPENAI_BASE_URL_INTERNEL', 'LOG_LEVLE'], SETTINGS),
    ).toEqual([
      {
        name: 'OPENAI_BASE_URL_INTERNEL',
        suggestion: 'OPENAI_BASE_URL_INTERNAL',
      },
      { name: 'LOG_LEVLE', suggestion: 'LOG_LEVEL' },
    ]);
  });

  it('leaves known settings, far names and other families alone', () => {
    expect(
      findSettingTypos(
        ['OPENAI_API_KEY', 'OPENAI_ORGANIZATION', 'LOGO_LEVEL', 'PATH'],
        SETTINGS,
      ),
    ).toEqual([]);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and replacements', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
