import { setFlagsFromString } from 'node:v8';
import { execFileSync } from 'node:child_process';
import { runInNewContext, runInThisContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stopPretenuring } from './no-pretenuring.js';

/** Every flag string the module under test sets, in order. */
const flagsSet = vi.hoisted((): string[] => []);
vi.mock('node:v8', async (importOriginal) => {
  const v8 = await importOriginal<typeof import('node:v8')>();
  return {
    ...v8,
    setFlagsFromString: (flags: string) => {
      flagsSet.push(flags);
      v8.setFlagsFromString(flags);
    },
  };
});

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

/**
 * The same literal in a fresh `node` with `flags`: the batch at which its
 * objects became old, or -1. A fresh process, as V8's decision depends on
 * when TurboFan compiles the literal against the scavenges (optimized code
 * compiled before the decision never pretenures): in a test worker under
 * load it may not come within a few dozen batches; in a new process it
 * comes at the 7th or 8th, load or not.
 */
function batchTurnedOld(flags: string[]): number {
  const script = `
    const { setFlagsFromString } = require('node:v8');
    const { runInNewContext, runInThisContext } = require('node:vm');
    setFlagsFromString('--allow-natives-syntax');
    const isYoung = runInThisContext('(o) => %InYoungGeneration(o)');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc');
    const make = runInThisContext('(function requestLike(i) { return { id: i, parts: [i] }; })');
    const kept = [];
    let old = -1;
    for (let batch = 0; batch < 40 && old < 0; batch++) {
      for (let i = 0; i < 20000; i++) kept.push(make(i));
      gc({ type: 'minor' });
      if (!isYoung(make(-1))) old = batch;
    }
    process.stdout.write(String(old));
  `;
  return Number(
    execFileSync(process.execPath, [...flags, '-e', script], {
      encoding: 'utf8',
    }),
  );
}

describe(stopPretenuring.name, () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    setFlagsFromString('--no-allocation-site-pretenuring');
  });

  it('keeps allocating a literal young however many of its objects survive', () => {
    // What the probe below looks for does happen with pretenuring on.
    expect(batchTurnedOld(['--allocation-site-pretenuring'])).toBeGreaterThan(
      0,
    );
    expect(batchTurnedOld(['--no-allocation-site-pretenuring'])).toBe(-1);
    setFlagsFromString('--allocation-site-pretenuring');
    stopPretenuring();
    expect(literalStaysYoung(20)).toBe(true);
  });

  it('leaves an operator-chosen setting alone', () => {
    // V8 has no reader of a flag's value: what is set is what tells.
    flagsSet.length = 0;
    vi.stubEnv('NODE_OPTIONS', '--allocation-site-pretenuring');
    stopPretenuring();
    expect(flagsSet).toEqual([]);
    vi.stubEnv('NODE_OPTIONS', '--max-old-space-size=512');
    stopPretenuring();
    expect(flagsSet).toEqual(['--no-allocation-site-pretenuring']);
  });
});
