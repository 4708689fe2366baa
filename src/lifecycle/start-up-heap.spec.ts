import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { endStartUpHeap, holdStartUpHeap } from './start-up-heap.js';

describe(endStartUpHeap.name, () => {
  it('collects once without leaving gc exposed to later contexts', () => {
    holdStartUpHeap();
    endStartUpHeap();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
