import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { InFlightRequests } from './in-flight-requests.service.js';

const response = (): ServerResponse =>
  new EventEmitter() as unknown as ServerResponse;

describe(InFlightRequests.name, () => {
  it('is idle at once when nothing is in flight', async () => {
    const sut = new InFlightRequests();
    await expect(sut.whenIdle()).resolves.toBeUndefined();
    expect(sut.count).toBe(0);
  });

  it('counts responses until they close, and wakes waiters at zero', async () => {
    const sut = new InFlightRequests();
    const [a, b] = [response(), response()];
    sut.track(a);
    sut.track(b);
    expect(sut.count).toBe(2);
    let idle = false;
    const waiting = sut.whenIdle().then(() => (idle = true));
    a.emit('close');
    await Promise.resolve();
    expect(idle).toBe(false);
    b.emit('close');
    await waiting;
    expect(sut.count).toBe(0);
  });

  it('counts a response once even if close fires twice', () => {
    const sut = new InFlightRequests();
    const a = response();
    sut.track(a);
    a.emit('close');
    a.emit('close');
    expect(sut.count).toBe(0);
  });
});
