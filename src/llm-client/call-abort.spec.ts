import { describe, expect, it, vi } from 'vitest';
import { CallAbort } from './call-abort.js';

describe(CallAbort.name, () => {
  it('aborts once, with the AbortError an AbortController gives', () => {
    const sut = new CallAbort();
    const listener = vi.fn();
    sut.on('abort', listener);
    sut.abort();
    sut.abort('again');
    expect(listener).toHaveBeenCalledTimes(1);
    expect(sut.aborted).toBe(true);
    const controller = new AbortController();
    controller.abort();
    expect(sut.reason).toMatchObject({
      name: 'AbortError',
      message: (controller.signal.reason as Error).message,
    });
  });

  it('keeps the reason it was given', () => {
    const sut = new CallAbort();
    sut.abort('gone');
    expect(sut.reason).toBe('gone');
  });

  it('builds a signal aborted with it, before or after it aborts', () => {
    const early = new CallAbort();
    const signal = early.signal;
    expect(signal.aborted).toBe(false);
    early.abort('first');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('first');

    const late = new CallAbort();
    late.abort('second');
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe('second');
  });
});
