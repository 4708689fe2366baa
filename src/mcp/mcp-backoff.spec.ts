import { describe, expect, it } from 'vitest';
import {
  attemptsAfterDisconnect,
  DEFAULT_RECONNECT_BACKOFF,
  reconnectDelayMs,
} from './mcp-backoff.js';

describe(reconnectDelayMs.name, () => {
  it('doubles from 0.5 s and stays at the 30 s cap', () => {
    const sut = [0, 1, 2, 5, 6, 7, 100].map((attempt) =>
      reconnectDelayMs(attempt, DEFAULT_RECONNECT_BACKOFF),
    );
    expect(sut).toEqual([500, 1000, 2000, 16_000, 30_000, 30_000, 30_000]);
  });
});

describe(attemptsAfterDisconnect.name, () => {
  it('keeps counting when the connection was lost before it was stable', () => {
    expect(attemptsAfterDisconnect(3, 100, DEFAULT_RECONNECT_BACKOFF)).toBe(3);
    expect(attemptsAfterDisconnect(3, 29_999, DEFAULT_RECONNECT_BACKOFF)).toBe(
      3,
    );
  });

  it('starts over after a connection that stayed up 30 s', () => {
    expect(attemptsAfterDisconnect(3, 30_000, DEFAULT_RECONNECT_BACKOFF)).toBe(
      0,
    );
  });
});
