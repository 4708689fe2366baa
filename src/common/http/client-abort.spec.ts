import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { ClientAbort } from './client-abort.js';

function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

describe(ClientAbort.name, () => {
  it('calls its listeners once when the response closes unfinished', () => {
    const raw = response();
    const sut = new ClientAbort(raw);
    const listener = vi.fn();
    sut.onAbort(listener);
    raw.emit('close');
    raw.emit('close');
    expect(listener).toHaveBeenCalledTimes(1);
    expect(sut.signal.aborted).toBe(true);
  });

  it('stays quiet when the response closes after it was written', () => {
    const raw = response();
    const sut = new ClientAbort(raw);
    const listener = vi.fn();
    sut.onAbort(listener);
    vi.spyOn(raw, 'writableFinished', 'get').mockReturnValue(true);
    raw.emit('close');
    expect(listener).not.toHaveBeenCalled();
    expect(sut.signal.aborted).toBe(false);
  });

  it('stops calling a listener once it was removed', () => {
    const raw = response();
    const sut = new ClientAbort(raw);
    const removed = vi.fn();
    const kept = vi.fn();
    sut.onAbort(removed)();
    sut.onAbort(kept);
    raw.emit('close');
    expect(removed).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledTimes(1);
  });

  it('calls a listener at once, and builds an aborted signal, after the client went away', () => {
    const raw = response();
    const sut = new ClientAbort(raw);
    raw.emit('close');
    const listener = vi.fn();
    sut.onAbort(listener);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(sut.signal.aborted).toBe(true);
  });

  it('knows a client gone before it was built: its close came already', () => {
    const raw = response();
    vi.spyOn(raw, 'closed', 'get').mockReturnValue(true);
    const sut = new ClientAbort(raw);
    const listener = vi.fn();
    sut.onAbort(listener);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(sut.signal.aborted).toBe(true);
  });

  it('aborts a signal read before the client went away', () => {
    const raw = response();
    const sut = new ClientAbort(raw);
    const signal = sut.signal;
    expect(signal.aborted).toBe(false);
    raw.emit('close');
    expect(signal.aborted).toBe(true);
    expect(sut.signal).toBe(signal);
  });
});
