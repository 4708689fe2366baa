import {
  ENVIRONMENT_GROUPS,
  settingNamesOf,
  type EnvironmentGroup,
} from './environment-groups.js';
import { describedSettings } from './setting.decorator.js';

/** One environment variable the gateway reads. */
export interface SettingHelp {
  name: string;
  /** The default as text; undefined when the setting is unset by default. */
  defaultValue: string | undefined;
  /** Plain text, as `--help` prints it. */
  description: string;
  /** The same in Markdown, as the README's settings table shows it. */
  markdown: string;
}

/**
 * Every setting of the env classes, with its default (from the class
 * initialisers) and description (from its `@Setting`), in group order.
 */
export function listSettings(): SettingHelp[] {
  return Object.values(ENVIRONMENT_GROUPS).flatMap(settingsOf);
}

function settingsOf(group: EnvironmentGroup): SettingHelp[] {
  const defaults = new group() as Record<string, unknown>;
  const descriptions = describedSettings(group);
  return settingNamesOf(group).map((name) => {
    const markdown = descriptions.get(name) ?? '';
    return {
      name,
      defaultValue: textOf(defaults[name]),
      description: plainText(markdown),
      markdown,
    };
  });
}

/** The settings as aligned text lines, for `--help`. */
export function formatSettingsHelp(): string {
  const settings = listSettings();
  const width = Math.max(...settings.map((s) => s.name.length));
  return settings
    .map(
      (s) =>
        `  ${s.name.padEnd(width)}  ${s.description} (default: ${s.defaultValue ?? 'unset'})`,
    )
    .join('\n');
}

/** A default as text: the env classes only initialise strings, numbers and booleans. */
function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
    ? String(value)
    : undefined;
}

/** Markdown as a terminal shows it: `code` without its backticks, a link as its text. */
function plainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1');
}
