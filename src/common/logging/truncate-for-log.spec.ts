import { describe, expect, it } from 'vitest';
import {
  MAX_LOGGED_TEXT_BYTES,
  truncateFields,
  truncateForLog,
} from './truncate-for-log.js';

describe(truncateForLog.name, () => {
  it('keeps a text that fits', () => {
    const text = 'x'.repeat(MAX_LOGGED_TEXT_BYTES);
    expect(truncateForLog(text)).toBe(text);
    expect(truncateForLog('short')).toBe('short');
  });

  it('cuts a longer text to 8 KiB with a marker of what was left out', () => {
    const sut = truncateForLog('y'.repeat(100_000));
    expect(sut).toBe(
      `${'y'.repeat(MAX_LOGGED_TEXT_BYTES)}…(${100_000 - MAX_LOGGED_TEXT_BYTES} bytes more)`,
    );
  });

  it('never cuts a character in two', () => {
    // 'é' is 2 bytes: 5 bytes hold two of them and half of a third.
    expect(truncateForLog('ééééé', { maxBytes: 5 })).toBe('éé…(6 bytes more)');
  });

  it('runs beforeCut on a long text before cutting it, so a secret is not cut in two', () => {
    const text = `${'a'.repeat(8)}SECRET-VALUE${'b'.repeat(20)}`;
    const sut = truncateForLog(text, {
      maxBytes: 12,
      beforeCut: (t) => t.replaceAll('SECRET-VALUE', '[R]'),
    });
    expect(sut).toBe('aaaaaaaa[R]b…(19 bytes more)');
    expect(sut).not.toContain('SECR');
  });
});

describe(truncateFields.name, () => {
  it('cuts long string fields one level deep, and returns the same object when none is long', () => {
    const fields = { msg: 'm', body: 'z'.repeat(20), nested: { deep: 'x' } };
    expect(truncateFields(fields, { maxBytes: 10 })).toEqual({
      msg: 'm',
      body: `${'z'.repeat(10)}…(10 bytes more)`,
      nested: { deep: 'x' },
    });
    const short = { msg: 'm' };
    expect(truncateFields(short)).toBe(short);
  });
});
