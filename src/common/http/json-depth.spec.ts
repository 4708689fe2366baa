import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';

const nestedArrays = (levels: number): unknown =>
  JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

describe(exceedsJsonDepth.name, () => {
  it('accepts scalars and flat values', () => {
    expect(exceedsJsonDepth('x')).toBe(false);
    expect(exceedsJsonDepth(null)).toBe(false);
    expect(exceedsJsonDepth({ model: 'm', input: [{ a: 1 }] })).toBe(false);
  });

  it('counts each array or object as one level', () => {
    expect(exceedsJsonDepth(nestedArrays(3), 3)).toBe(false);
    expect(exceedsJsonDepth(nestedArrays(4), 3)).toBe(true);
    expect(exceedsJsonDepth({ a: { b: {} } }, 3)).toBe(false);
    expect(exceedsJsonDepth({ a: { b: { c: {} } } }, 3)).toBe(true);
  });

  it('allows the limit itself and rejects one level more', () => {
    expect(exceedsJsonDepth(nestedArrays(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth(nestedArrays(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it('finds the deep branch among wide shallow ones', () => {
    const wide = Array.from({ length: 10_000 }, (_, i) => ({ i }));
    expect(exceedsJsonDepth([...wide, nestedArrays(10)], 8)).toBe(true);
    expect(exceedsJsonDepth(wide, 8)).toBe(false);
  });

  it('walks 200,000 levels without overflowing the stack', () => {
    expect(exceedsJsonDepth(nestedArrays(200_000))).toBe(true);
  });
});
