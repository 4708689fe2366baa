import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { ClientAbort } from '../common/http/client-abort.js';
import { CallTimeouts } from './call-timeouts.js';

const abortError = (): Error => new DOMException('aborted', 'AbortError');

// Fake timers: the clock moves only when the test says so.
describe(CallTimeouts.name, () => {
  const running: CallTimeouts[] = [];
  const create = (
    totalMs: number,
    idleMs: number,
    ...signals: (AbortSignal | ClientAbort)[]
  ): CallTimeouts => {
    const sut = new CallTimeouts({ totalMs, idleMs }, ...signals);
    running.push(sut);
    return sut;
  };
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    running.splice(0).forEach((sut) => sut.stop());
    vi.useRealTimers();
  });

  it('aborts at the total deadline, and explains the abort as upstream_timeout', () => {
    const sut = create(1_000, 60_000);
    vi.advanceTimersByTime(999);
    expect(sut.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(sut.signal.aborted).toBe(true);
    const explained = sut.explain(abortError(), 'local');
    expect(explained).toBeInstanceOf(GatewayException);
    expect(explained).toMatchObject({
      code: 'upstream_timeout',
      message:
        "The upstream 'local' did not finish within 1 s (UPSTREAM_TOTAL_TIMEOUT_MS).",
    });
  });

  it('aborts a stream that goes without an event for the idle time', () => {
    const sut = create(60_000, 1_000);
    sut.watchEvents();
    vi.advanceTimersByTime(800);
    sut.progress();
    vi.advanceTimersByTime(800);
    expect(sut.signal.aborted).toBe(false);
    vi.advanceTimersByTime(200);
    expect(sut.signal.aborted).toBe(true);
    expect(sut.explain(abortError(), 'local')).toMatchObject({
      code: 'upstream_timeout',
      message: expect.stringContaining('UPSTREAM_READ_TIMEOUT_MS'),
    });
  });

  it('does not time the wait between events before watchEvents', () => {
    const sut = create(60_000, 1_000);
    vi.advanceTimersByTime(5_000);
    expect(sut.signal.aborted).toBe(false);
  });

  it('passes errors through while no limit has expired, and after stop', () => {
    const sut = create(1_000, 1_000);
    sut.watchEvents();
    const error = abortError();
    expect(sut.explain(error, 'local')).toBe(error);
    sut.stop();
    vi.advanceTimersByTime(10_000);
    expect(sut.signal.aborted).toBe(false);
    expect(sut.explain(error, 'local')).toBe(error);
  });

  it('follows the signals it is given, without calling that a timeout', () => {
    const client = new AbortController();
    const sut = create(60_000, 60_000, client.signal);
    client.abort();
    expect(sut.signal.aborted).toBe(true);
    const error = abortError();
    expect(sut.explain(error, 'local')).toBe(error);
  });

  it('starts aborted, with its reason, when a signal given already is', () => {
    const client = new AbortController();
    client.abort('gone');
    const sut = create(60_000, 60_000, client.signal);
    expect(sut.signal.aborted).toBe(true);
    expect(sut.signal.reason).toBe('gone');
  });

  it('follows a client that goes away, and lets go of it at stop()', () => {
    const response = (): ServerResponse =>
      new ServerResponse(new IncomingMessage(new Socket()));
    const followedResponse = response();
    const followed = create(60_000, 60_000, new ClientAbort(followedResponse));
    const stoppedResponse = response();
    const stopped = create(60_000, 60_000, new ClientAbort(stoppedResponse));
    stopped.stop();
    followedResponse.emit('close');
    stoppedResponse.emit('close');
    expect(followed.signal.aborted).toBe(true);
    const error = abortError();
    expect(followed.explain(error, 'local')).toBe(error);
    expect(stopped.signal.aborted).toBe(false);
  });

  it('lets go of the signals at stop(); cancel() still aborts after it', () => {
    const client = new AbortController();
    const sut = create(60_000, 60_000, client.signal);
    sut.stop();
    client.abort();
    expect(sut.signal.aborted).toBe(false);
    sut.cancel();
    expect(sut.signal.aborted).toBe(true);
    expect(sut.explain(abortError(), 'local')).toMatchObject({
      name: 'AbortError',
    });
  });
});
