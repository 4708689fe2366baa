import { createHook } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { keepTickObjectShape, keptTickObject } from './tick-object-shape.js';

/** The nextTick entries `fn` makes, seen by an async hook of the test's own. */
function tickObjectsMadeBy(fn: () => void): object[] {
  const seen: object[] = [];
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject') {
        seen.push(resource);
      }
    },
  }).enable();
  try {
    fn();
  } finally {
    hook.disable();
  }
  return seen;
}

describe(keepTickObjectShape.name, () => {
  it('keeps the one nextTick entry it makes, and only that one', () => {
    const made = tickObjectsMadeBy(keepTickObjectShape);
    expect(made).toHaveLength(1);
    expect(keptTickObject()).toBe(made[0]);
    // Its own hook is gone: a later entry is not kept.
    process.nextTick(() => undefined);
    expect(keptTickObject()).toBe(made[0]);
  });

  it('keeps the first entry when called again', () => {
    const first = keptTickObject();
    keepTickObjectShape();
    expect(keptTickObject()).toBe(first);
    expect(first).toBeDefined();
  });
});
