import { describe, expect, it } from 'vitest';
import { appEnvironmentVariables } from '../../test/helm/app-env-vars.js';
import { formatSettingsHelp, listSettings } from './settings-help.js';

describe(listSettings.name, () => {
  it('lists every env var of src/config with a description', async () => {
    const sut = listSettings();
    expect(sut.map((s) => s.name).sort()).toEqual(
      [...(await appEnvironmentVariables())].sort(),
    );
    expect(sut.filter((s) => s.description === '')).toEqual([]);
  });

  it('shows the defaults of the env classes', () => {
    const sut = formatSettingsHelp();
    expect(sut).toMatch(/API_ADAPTER_PORT\s+Listen port \(default: 8080\)/);
    expect(sut).toMatch(/DEFAULT_TOOL_CALL_TAGS .*\(default: openai\)/);
    expect(sut).toMatch(/OPENAI_API_KEY .*\(default: unset\)/);
  });

  it('prints the Markdown of a description as plain text', () => {
    const sut = listSettings().find(
      (s) => s.name === 'MAX_INFLIGHT_BODY_BYTES',
    );
    expect(sut?.markdown).toContain('(see [Memory budget](#memory-budget))');
    expect(sut?.description).toContain('(see Memory budget)');
    expect(formatSettingsHelp()).not.toMatch(/[`[\]]/);
  });
});
