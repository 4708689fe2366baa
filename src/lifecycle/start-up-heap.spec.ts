import { setFlagsFromString } from 'node:v8';
import { runInNewContext, runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { endStartUpHeap, holdStartUpHeap } from './start-up-heap.js';

/** V8's %GetOptimizationStatus bit for code TurboFan compiled. */
const TURBOFANNED = 1 << 6;

/** Asks TurboFan to compile `f` now; true when it did. */
function turboFanCompiles(f: (x: number) => number): boolean {
  setFlagsFromString('--allow-natives-syntax');
  // Natives syntax parses only in code compiled after the flag is set.
  const optimizeNow = runInThisContext(
    '(f) => { %PrepareFunctionForOptimization(f); f(1); f(2); %OptimizeFunctionOnNextCall(f); f(3); return %GetOptimizationStatus(f); }',
  ) as (f: (x: number) => number) => number;
  return (optimizeNow(f) & TURBOFANNED) !== 0;
}

describe(endStartUpHeap.name, () => {
  it('collects once without leaving gc exposed to later contexts', () => {
    holdStartUpHeap();
    endStartUpHeap();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });

  it('holds TurboFan during start-up and gives it back after', () => {
    holdStartUpHeap();
    expect(turboFanCompiles((x) => x * 2 + 1)).toBe(false);
    endStartUpHeap();
    expect(turboFanCompiles((x) => x * 3 + 1)).toBe(true);
  });
});
