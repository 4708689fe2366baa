import { setFlagsFromString } from 'node:v8';
import { runInNewContext, runInThisContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stopPretenuring } from './no-pretenuring.js';

/** V8 natives: whether `object` is in the young generation. */
function youngGenerationProbe(): (object: object) => boolean {
  setFlagsFromString('--allow-natives-syntax');
  // Natives syntax parses only in code compiled after the flag is set.
  return runInThisContext('(o) => %InYoungGeneration(o)') as (
    object: object,
  ) => boolean;
}

/** A young-generation GC, from `gc` exposed to one throwaway context only. */
function scavenger(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: string }) => void;
  setFlagsFromString('--no-expose-gc');
  return () => gc({ type: 'minor' });
}

/**
 * Keeps every object one literal makes, scavenging after each batch, as
 * requests in flight do: with pretenuring on, V8 moves the literal to the
 * old generation within about eight batches. Returns whether the literal's
 * next object is still young after `batches` of them.
 */
function literalStaysYoung(batches: number): boolean {
  const isYoung = youngGenerationProbe();
  const scavenge = scavenger();
  // A literal of its own, compiled here: no other code shares its allocation site.
  const make = runInThisContext(
    '(function requestLike(i) { return { id: i, parts: [i] }; })',
  ) as (i: number) => object;
  const kept: object[] = [];
  for (let batch = 0; batch < batches; batch++) {
    for (let i = 0; i < 20_000; i++) {
      kept.push(make(i));
    }
    scavenge();
    if (!isYoung(make(-1))) {
      return false;
    }
  }
  return kept.length > 0;
}

describe(stopPretenuring.name, () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    setFlagsFromString('--no-allocation-site-pretenuring');
  });

  it('leaves an operator-chosen setting alone', () => {
    setFlagsFromString('--allocation-site-pretenuring');
    vi.stubEnv('NODE_OPTIONS', '--allocation-site-pretenuring');
    stopPretenuring();
    expect(literalStaysYoung(20)).toBe(false);
  });

  it('keeps allocating a literal young however many of its objects survive', () => {
    setFlagsFromString('--allocation-site-pretenuring');
    stopPretenuring();
    expect(literalStaysYoung(20)).toBe(true);
  });
});
