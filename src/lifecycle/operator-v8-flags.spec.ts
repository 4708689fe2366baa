import { afterEach, describe, expect, it, vi } from 'vitest';
import { chosenByOperator } from './operator-v8-flags.js';

describe(chosenByOperator.name, () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    ['--allocation-site-pretenuring', true],
    ['--no-allocation-site-pretenuring', true],
    ['--allocation_site_pretenuring', true],
    ['--max-old-space-size=512 --no-allocation-site-pretenuring', true],
    ['--allocation-site-pretenuring-x', false],
    ['--max-old-space-size=512', false],
    ['', false],
  ])('NODE_OPTIONS %j: %s', (options, chosen) => {
    vi.stubEnv('NODE_OPTIONS', options);
    expect(chosenByOperator('allocation-site-pretenuring')).toBe(chosen);
  });

  it('reads a flag given as a value (--flag=value)', () => {
    vi.stubEnv('NODE_OPTIONS', '--semi-space-growth-factor=3');
    expect(chosenByOperator('semi-space-growth-factor')).toBe(true);
  });
});
