import { describe, expect, it } from 'vitest';
import { serverTimeoutOptions } from './server-timeouts.js';

describe(serverTimeoutOptions.name, () => {
  it('turns the seconds into Node and Fastify options, with no socket inactivity timeout', () => {
    expect(
      serverTimeoutOptions({
        HTTP_REQUEST_TIMEOUT: 60,
        HTTP_HEADERS_TIMEOUT: 30,
        HTTP_KEEP_ALIVE_TIMEOUT: 72,
      }),
    ).toEqual({
      requestTimeout: 60_000,
      keepAliveTimeout: 72_000,
      connectionTimeout: 0,
      http: {
        requestTimeout: 60_000,
        headersTimeout: 30_000,
        connectionsCheckingInterval: 1_000,
      },
    });
  });

  it('keeps the headers timeout within the request timeout, as Node requires', () => {
    const sut = serverTimeoutOptions({
      HTTP_REQUEST_TIMEOUT: 10,
      HTTP_HEADERS_TIMEOUT: 30,
      HTTP_KEEP_ALIVE_TIMEOUT: 5,
    });
    expect(sut.http.headersTimeout).toBe(10_000);
  });
});
