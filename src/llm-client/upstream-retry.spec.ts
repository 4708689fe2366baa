import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import {
  sendWithRetries,
  type RetryEvent,
  type RetryPlan,
} from './upstream-retry.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';

const primary: UpstreamTarget = { name: 'primary', baseUrl: 'http://p/v1' };
const fallback: UpstreamTarget = { name: 'fallback', baseUrl: 'http://f/v1' };

/** A response as undici resolves it, with a body that can be dumped. */
function answer(
  statusCode: number,
  headers: Record<string, string> = {},
): Dispatcher.ResponseData {
  let dumped = false;
  return {
    statusCode,
    headers,
    body: {
      dump: () => {
        dumped = true;
        return Promise.resolve();
      },
      get dumped() {
        return dumped;
      },
    },
  } as unknown as Dispatcher.ResponseData;
}

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED'), {
    code: 'ECONNREFUSED',
  });
}

/** Starts a plan whose attempts follow `script`, recording who was asked. */
function run(
  script: (() => Dispatcher.ResponseData | Error)[],
  plan: Partial<RetryPlan> = {},
) {
  const asked: string[] = [];
  const events: RetryEvent[] = [];
  const result = sendWithRetries({
    targets: [primary],
    maxRetries: 2,
    random: () => 0,
    send: (target) => {
      asked.push(target.name);
      const next = script.shift()?.() ?? new Error('script ran out');
      return next instanceof Error
        ? Promise.reject(next)
        : Promise.resolve(next);
    },
    onRetry: (event) => events.push(event),
    ...plan,
  });
  return { result, asked, events };
}

describe(sendWithRetries.name, () => {
  it('returns a first success without retrying', async () => {
    const { result, asked, events } = run([() => answer(200)]);
    expect((await result).response.statusCode).toBe(200);
    expect(asked).toEqual(['primary']);
    expect(events).toEqual([]);
  });

  it.each([429, 502, 503])(
    'retries a %i, then returns the success',
    async (status) => {
      const { result, asked, events } = run([
        () => answer(status),
        () => answer(200),
      ]);
      expect((await result).response.statusCode).toBe(200);
      expect(asked).toEqual(['primary', 'primary']);
      expect(events).toEqual([
        { upstream: 'primary', attempt: 1, status, delayMs: 100 },
      ]);
    },
  );

  it.each([400, 401, 404, 500, 504])(
    'returns a %i as it is',
    async (status) => {
      const { result, asked } = run([() => answer(status)]);
      expect((await result).response.statusCode).toBe(status);
      expect(asked).toHaveLength(1);
    },
  );

  it('dumps the body of an answer it retries', async () => {
    const first = answer(503);
    const { result } = run([() => first, () => answer(200)]);
    await result;
    expect((first.body as unknown as { dumped: boolean }).dumped).toBe(true);
  });

  it('returns the last retryable answer once the retries ran out', async () => {
    const { result, asked, events } = run(
      [() => answer(503), () => answer(503), () => answer(503)],
      { maxRetries: 2 },
    );
    expect((await result).response.statusCode).toBe(503);
    expect(asked).toHaveLength(3);
    expect(events.map((e) => e.delayMs)).toEqual([100, 200]);
  });

  it('uses retry-after instead of the backoff', async () => {
    const { result, events } = run([
      () => answer(429, { 'retry-after': '0' }),
      () => answer(200),
    ]);
    await result;
    expect(events[0]!.delayMs).toBe(0);
  });

  it('retries a refused connection and maps the last one', async () => {
    const { result, asked, events } = run([refused, refused], {
      maxRetries: 1,
    });
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayException);
    expect((error as GatewayException).code).toBe('upstream_unreachable');
    expect(asked).toEqual(['primary', 'primary']);
    expect(events[0]).toMatchObject({ code: 'ECONNREFUSED', attempt: 1 });
  });

  it('never retries a failure after the request was sent', async () => {
    const reset = Object.assign(new Error('socket hang up'), {
      code: 'ECONNRESET',
    });
    const { result, asked } = run([() => reset, () => answer(200)]);
    await expect(result).rejects.toBeInstanceOf(GatewayException);
    expect(asked).toHaveLength(1);
  });

  it('tries the fallback once after the retries ran out', async () => {
    const { result, asked, events } = run(
      [refused, refused, () => answer(200)],
      { targets: [primary, fallback], maxRetries: 1 },
    );
    const { target, response } = await result;
    expect(target.name).toBe('fallback');
    expect(response.statusCode).toBe(200);
    expect(asked).toEqual(['primary', 'primary', 'fallback']);
    expect(events[1]).toEqual({
      upstream: 'primary',
      attempt: 2,
      code: 'ECONNREFUSED',
      fallback: 'fallback',
    });
  });

  it('returns the answer of a failing fallback as it is, without retrying it', async () => {
    const { result, asked } = run([() => answer(503), () => answer(503)], {
      targets: [primary, fallback],
      maxRetries: 0,
    });
    const { target, response } = await result;
    expect(target.name).toBe('fallback');
    expect(response.statusCode).toBe(503);
    expect(asked).toEqual(['primary', 'fallback']);
  });

  it('stops at once when aborted during the wait', async () => {
    const abort = new AbortController();
    const { result, asked } = run(
      [() => answer(429, { 'retry-after': '30' }), () => answer(200)],
      { signal: abort.signal, onRetry: () => abort.abort() },
    );
    const error = (await result.catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('AbortError');
    expect(asked).toHaveLength(1);
  });

  it('passes our own abort through unmapped and unretried', async () => {
    const aborted = Object.assign(new Error('aborted'), { name: 'AbortError' });
    const { result, asked } = run([() => aborted]);
    await expect(result).rejects.toBe(aborted);
    expect(asked).toHaveLength(1);
  });
});
