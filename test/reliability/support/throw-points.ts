import { vi } from 'vitest';

/** Which call of a method throws: its ordinal (1 = the first), or a test on its arguments. */
export type CallSelector = number | ((...args: any[]) => boolean);

/** An installed throw: how many times it fired. */
export interface ThrowPoint {
  readonly fired: number;
}

/** The error every injected throw raises: a bug, from the gateway's point of view. */
export const INJECTED = 'injected';

/**
 * Makes `target[method]` throw `new Error('injected')` once, on the call
 * `which` selects, and call through to the real method on every other call
 * (so a stream runs normally up to the chosen point and bytes went out
 * before a later throw). With `reject`, the call returns a rejected promise
 * instead of throwing. vi.restoreAllMocks() removes it.
 */
export function throwOnCall<T extends object>(
  target: T,
  method: keyof T & string,
  which: CallSelector = 1,
  options: { reject?: boolean } = {},
): ThrowPoint {
  const original = target[method] as (...args: unknown[]) => unknown;
  let calls = 0;
  let fired = 0;
  vi.spyOn(target as any, method).mockImplementation(function (
    this: unknown,
    ...args: unknown[]
  ) {
    calls += 1;
    const selected =
      typeof which === 'number'
        ? calls === which
        : fired === 0 && which(...args);
    if (!selected) {
      return original.apply(this, args);
    }
    fired += 1;
    const error = new Error(INJECTED);
    if (options.reject) {
      return Promise.reject(error);
    }
    throw error;
  });
  return {
    get fired() {
      return fired;
    },
  };
}

/**
 * Records every uncaught exception and unhandled rejection of this process
 * (the in-process gateway's and the test's): either one would end the
 * gateway in production, so a spec asserts that none happened.
 */
export function watchProcessFaults(): { seen: string[]; stop(): void } {
  const seen: string[] = [];
  const record = (kind: string) => (error: unknown) => {
    const text =
      error instanceof Error ? (error.stack ?? error.message) : String(error);
    seen.push(`${kind}: ${text.split('\n').slice(0, 4).join('\n')}`);
  };
  const onException = record('uncaughtException');
  const onRejection = record('unhandledRejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    seen,
    stop: () => {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
