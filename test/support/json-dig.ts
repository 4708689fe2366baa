import { isRecord } from '../../src/common/is-record.js';

/** `value[k1][k2]…`, or undefined as soon as a step is not an object. */
export function dig(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isRecord(current)) {
      return undefined;
    }
    current = current[key];
  }
  return current;
}
