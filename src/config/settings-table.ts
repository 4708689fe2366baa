import { listSettings, type SettingHelp } from './settings-help.js';

/** The lines around the README's settings table, which `npm run docs:settings` rewrites. */
export const SETTINGS_TABLE_START =
  '<!-- The settings table is generated from src/config/*.env.ts: `npm run docs:settings` rewrites it. -->';
export const SETTINGS_TABLE_END =
  '<!-- End of the generated settings table. -->';

/** Units a default reads better in, by the suffix of the setting's name. */
const UNITS = [
  { suffix: '_BYTES', size: 1024 * 1024, unit: 'MiB' },
  { suffix: '_MS', size: 60_000, unit: 'min' },
  { suffix: '_MS', size: 1000, unit: 's' },
  { suffix: '_SECONDS', size: 86_400, unit: 'days' },
];

/**
 * The settings as a Markdown table (variable, default, meaning), its
 * columns padded as Prettier pads them so `prettier --check` accepts it.
 */
export function settingsTable(
  settings: readonly SettingHelp[] = listSettings(),
): string {
  const rows = [
    ['variable', 'default', 'meaning'],
    ...settings.map((s) => [`\`${s.name}\``, defaultCell(s), s.markdown]),
  ];
  const widths = rows[0]!.map((_, column) =>
    Math.max(3, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  const [header, ...body] = rows;
  return [
    line(header!),
    line(widths.map((width) => '-'.repeat(width))),
    ...body.map(line),
  ].join('\n');
}

/** `8388608` (8 MiB), or – when the setting is unset by default. */
function defaultCell({ name, defaultValue }: SettingHelp): string {
  if (defaultValue === undefined) {
    return '–';
  }
  const amount = Number(defaultValue);
  const unit = UNITS.find(
    ({ suffix, size }) =>
      name.endsWith(suffix) && amount >= size && amount % size === 0,
  );
  return unit === undefined
    ? `\`${defaultValue}\``
    : `\`${defaultValue}\` (${amount / unit.size} ${unit.unit})`;
}

/** The table between the markers of `readme`; undefined without them. */
export function settingsTableIn(readme: string): string | undefined {
  const start = readme.indexOf(SETTINGS_TABLE_START);
  const end = readme.indexOf(SETTINGS_TABLE_END);
  if (start < 0 || end < start) {
    return undefined;
  }
  return readme.slice(start + SETTINGS_TABLE_START.length, end).trim();
}

/** `readme` with `table` between its markers. */
export function withSettingsTable(readme: string, table: string): string {
  const start = readme.indexOf(SETTINGS_TABLE_START);
  const end = readme.indexOf(SETTINGS_TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(
      `README.md has no settings table markers (${SETTINGS_TABLE_START} … ${SETTINGS_TABLE_END})`,
    );
  }
  return `${readme.slice(0, start)}${SETTINGS_TABLE_START}\n\n${table}\n\n${readme.slice(end)}`;
}
