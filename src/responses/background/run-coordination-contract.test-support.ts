import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RunCoordination } from './run-coordination.js';

/**
 * The behaviour every RunCoordination has, run against each implementation.
 * `replicas()` returns two coordinations that share their state (two
 * replicas; in memory, the same object twice).
 */
export function describeRunCoordinationContract(
  name: string,
  replicas: () => Promise<[RunCoordination, RunCoordination]>,
): void {
  describe(`${name} (RunCoordination contract)`, () => {
    const id = (): string => `resp_${randomUUID().replaceAll('-', '')}`;

    it('counts a held response as running until it is released', async () => {
      const [a, b] = await replicas();
      const run = id();
      expect(await b.isRunning(run)).toBe(false);
      const hold = await a.hold(run, () => undefined);
      expect(await b.isRunning(run)).toBe(true);
      await hold.release();
      expect(await b.isRunning(run)).toBe(false);
    });

    it('tells the running replica of a cancel asked on another one', async () => {
      const [a, b] = await replicas();
      const run = id();
      let cancelled!: () => void;
      const heard = new Promise<void>((resolve) => {
        cancelled = resolve;
      });
      const hold = await a.hold(run, () => cancelled());
      await b.requestCancel(run);
      await heard;
      await hold.release();
    });

    it('lets exactly one claimant store the end', async () => {
      const [a, b] = await replicas();
      const run = id();
      const claims = await Promise.all([
        a.claimEnd(run),
        b.claimEnd(run),
        a.claimEnd(run),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it('lets another claimant store the end once the claim is given back', async () => {
      const [a, b] = await replicas();
      const run = id();
      expect(await a.claimEnd(run)).toBe(true);
      expect(await b.claimEnd(run)).toBe(false);
      await a.releaseEnd(run);
      expect(await b.claimEnd(run)).toBe(true);
    });
  });
}
