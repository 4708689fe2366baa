import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SETTINGS_TABLE_END,
  SETTINGS_TABLE_START,
  settingsTable,
  settingsTableIn,
  withSettingsTable,
} from './settings-table.js';

const README = new URL('../../README.md', import.meta.url);

describe(settingsTable.name, () => {
  it("is the README's settings table (run `npm run docs:settings` after changing a setting)", () => {
    const readme = readFileSync(README, 'utf8');
    expect(
      settingsTableIn(readme),
      'README.md is out of date: run `npm run docs:settings`',
    ).toBe(settingsTable());
  });

  it('shows each default as code, in a readable unit when it has one', () => {
    const rows = settingsTable().split('\n');
    const row = (name: string): string =>
      rows.find((line) => line.startsWith(`| \`${name}\` `)) ?? '';
    expect(row('UPSTREAM_MAX_EVENT_BYTES')).toMatch(/\| `8388608` \(8 MiB\) /);
    expect(row('UPSTREAM_TOTAL_TIMEOUT_MS')).toMatch(/`1800000` \(30 min\)/);
    expect(row('RESPONSE_TTL_SECONDS')).toMatch(/`2592000` \(30 days\)/);
    expect(row('API_ADAPTER_PORT')).toMatch(/\| `8080` +\| Listen port +\|$/);
    expect(row('OPENAI_API_KEY')).toMatch(/^\| `OPENAI_API_KEY` +\| – +\|/);
  });

  it('pads every column to one width, as Prettier does', () => {
    const widths = new Set(
      settingsTable()
        .split('\n')
        .map((l) => l.length),
    );
    expect(widths.size).toBe(1);
  });
});

describe(withSettingsTable.name, () => {
  const readme = `# Title\n\n${SETTINGS_TABLE_START}\n\nold\n\n${SETTINGS_TABLE_END}\n\nRest.\n`;

  it('replaces only what lies between the markers', () => {
    const sut = withSettingsTable(readme, '| new |');
    expect(sut).toBe(
      `# Title\n\n${SETTINGS_TABLE_START}\n\n| new |\n\n${SETTINGS_TABLE_END}\n\nRest.\n`,
    );
    expect(settingsTableIn(sut)).toBe('| new |');
  });

  it('refuses a README without the markers', () => {
    expect(() => withSettingsTable('# Title\n', '| new |')).toThrow(
      /no settings table markers/,
    );
    expect(settingsTableIn('# Title\n')).toBeUndefined();
  });
});
