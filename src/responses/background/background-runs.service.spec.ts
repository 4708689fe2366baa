import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import {
  currentRequest,
  newRequestContext,
  runInContext,
} from '../../common/logging/request-context.js';
import { checkStream } from '../core/stream-checker.test-support.js';
import { BackgroundRuns } from './background-runs.service.js';
import { KEY_A, setUpRuns, textChunk } from './background-runs.test-support.js';

const request = { model: 'm', input: 'hi', background: true };

describe(BackgroundRuns.name, () => {
  it('stores the response queued with its owner, runs it, and stores it completed', async () => {
    const { store, runs, upstreams, inFlight, replay } = setUpRuns();
    const queued = await runs.start(request, { tenant: KEY_A });
    expect(queued).toMatchObject({ status: 'queued', background: true });
    const stored = await store.getTurn(queued.id);
    expect(stored?.owner).toBe(KEY_A.id);
    expect(['queued', 'in_progress']).toContain(stored?.response.status);
    // The run holds the shutdown until it ends.
    expect(inFlight.count).toBe(1);
    upstreams[0]!.next(textChunk('Hello'));
    upstreams[0]!.next(textChunk('', 'stop'));
    upstreams[0]!.complete();
    await runs.whenEnded(queued.id);
    expect((await store.getTurn(queued.id))?.response).toMatchObject({
      status: 'completed',
      output: [{ type: 'message' }],
    });
    expect(inFlight.count).toBe(0);
    const events = await replay(queued.id);
    expect(checkStream(events).final).toMatchObject({ status: 'completed' });
  });

  it('cancels a run: its source is unsubscribed, it is stored and ends cancelled', async () => {
    const { store, backend, runs, upstreams, replay } = setUpRuns();
    const queued = await runs.start(request, {});
    upstreams[0]!.next(textChunk('Hel'));
    await backend.coordination.requestCancel(queued.id);
    await runs.whenEnded(queued.id);
    expect(upstreams[0]!.observed).toBe(false);
    expect((await store.getTurn(queued.id))?.response).toMatchObject({
      status: 'cancelled',
      error: null,
    });
    const events = await replay(queued.id);
    expect(events.at(-1)?.type).toBe('response.failed');
    expect(checkStream(events).final).toMatchObject({ status: 'cancelled' });
  });

  it('refuses a run over the per-key cap with a 429, and counts a finished run out', async () => {
    const { runs, upstreams } = setUpRuns({
      backgroundMaxRuns: 10,
      backgroundMaxRunsPerKey: 1,
    });
    const first = await runs.start(request, { tenant: KEY_A });
    const refused = await runs
      .start(request, { tenant: KEY_A })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GatewayException);
    expect((refused as GatewayException).options).toMatchObject({
      status: 429,
      openAiCode: 'rate_limit_exceeded',
    });
    // Auth off: only the replica cap counts.
    await expect(runs.start(request, {})).resolves.toMatchObject({
      status: 'queued',
    });
    upstreams[0]!.complete();
    await runs.whenEnded(first.id);
    await expect(runs.start(request, { tenant: KEY_A })).resolves.toMatchObject(
      { status: 'queued' },
    );
  });

  it('refuses a run over the replica cap', async () => {
    const { runs } = setUpRuns({
      backgroundMaxRuns: 1,
      backgroundMaxRunsPerKey: 5,
    });
    await runs.start(request, {});
    await expect(runs.start(request, {})).rejects.toMatchObject({
      options: { status: 429 },
    });
  });

  it('gives its slot back on every end: a refused start, an upstream error, a cancel', async () => {
    const { store, backend, runs, upstreams, inFlight } = setUpRuns({
      backgroundMaxRuns: 1,
      backgroundMaxRunsPerKey: 1,
    });
    store.down = true;
    await expect(runs.start(request, { tenant: KEY_A })).rejects.toThrow();
    store.down = false;
    const failing = await runs.start(request, { tenant: KEY_A });
    const failed = runs.whenEnded(failing.id);
    upstreams[0]!.error(new Error('upstream 502'));
    await failed;
    expect((await store.getTurn(failing.id))?.response.status).toBe('failed');
    const cancelled = await runs.start(request, { tenant: KEY_A });
    const ended = runs.whenEnded(cancelled.id);
    await backend.coordination.requestCancel(cancelled.id);
    await ended;
    await expect(runs.start(request, { tenant: KEY_A })).resolves.toMatchObject(
      { status: 'queued' },
    );
    expect(inFlight.count).toBe(1);
  });

  it('fails the runs still going at shutdown, and stores them failed', async () => {
    const { store, runs, upstreams, inFlight } = setUpRuns();
    const queued = await runs.start(request, {});
    upstreams[0]!.next(textChunk('Hel'));
    await runs.beforeApplicationShutdown();
    expect(upstreams[0]!.observed).toBe(false);
    expect((await store.getTurn(queued.id))?.response).toMatchObject({
      status: 'failed',
      error: { code: 'server_error' },
    });
    expect(inFlight.count).toBe(0);
  });

  it("makes the request's token settlement wait for the run", async () => {
    const { runs, upstreams } = setUpRuns();
    const context = newRequestContext('req-1');
    const queued = await runInContext(context, () => runs.start(request, {}));
    expect(context.detachedWork).toBeInstanceOf(Promise);
    let settled = false;
    void context.detachedWork!.then(() => {
      settled = true;
    });
    upstreams[0]!.complete();
    await runs.whenEnded(queued.id);
    await context.detachedWork;
    expect(settled).toBe(true);
    expect(currentRequest()).toBeUndefined();
  });
});
