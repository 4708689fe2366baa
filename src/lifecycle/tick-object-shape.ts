import { createHook } from 'node:async_hooks';

/**
 * One `process.nextTick` queue entry, kept for the life of the process.
 *
 * Node builds each entry with an object literal whose first keys are
 * computed (its async id symbols). V8 11.3 (Node 20) remembers the hidden
 * class such a key was first defined on, and makes the site megamorphic for
 * good the first time it meets another one: from then on every entry
 * defines those keys in V8's runtime, 9% of a non-streamed request's
 * instructions (bench/README.md, "A nextTick entry kept alive"). A full GC
 * while no entry is alive (the compacting one at the end of start-up, or any
 * GC of an idle gateway) frees the entries' hidden classes, and the next
 * entry's class is new. A kept entry keeps those classes alive.
 */
let kept: object | undefined;

/** Keeps one nextTick entry for good (see `kept`); once is enough. */
export function keepTickObjectShape(): void {
  if (kept !== undefined) {
    return;
  }
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject' && kept === undefined) {
        kept = resource;
      }
    },
  });
  hook.enable();
  try {
    process.nextTick(keepNothing);
  } finally {
    hook.disable();
  }
}

/** The entry kept, if any. */
export function keptTickObject(): object | undefined {
  return kept;
}

function keepNothing(): void {}
