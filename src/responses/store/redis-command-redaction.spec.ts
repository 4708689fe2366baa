import { describe, expect, it } from 'vitest';
import { withoutCommandArguments } from './redis-command-redaction.js';

describe(withoutCommandArguments.name, () => {
  it("replaces the arguments of ioredis's failed command, keeping its name", () => {
    const error = Object.assign(new Error('WRONGPASS'), {
      command: { name: 'auth', args: ['user', 'the-password'] },
    });
    expect(withoutCommandArguments(error)).toBe(error);
    expect(error.command).toEqual({
      name: 'auth',
      args: ['[REDACTED]', '[REDACTED]'],
    });
  });

  it('leaves errors without a command alone', () => {
    const error = new Error('connect ECONNREFUSED');
    expect(withoutCommandArguments(error)).toBe(error);
    expect(withoutCommandArguments(null)).toBeNull();
  });
});
