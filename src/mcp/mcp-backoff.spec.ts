import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONNECT_BACKOFF, reconnectDelayMs } from './mcp-backoff.js';

describe(reconnectDelayMs.name, () => {
  it('doubles from 0.5 s and stays at the 30 s cap', () => {
    const sut = [0, 1, 2, 5, 6, 7, 100].map((attempt) =>
      reconnectDelayMs(attempt, DEFAULT_RECONNECT_BACKOFF),
    );
    expect(sut).toEqual([500, 1000, 2000, 16_000, 30_000, 30_000, 30_000]);
  });
});
