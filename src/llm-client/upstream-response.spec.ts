import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { readCompletion, readJsonBody } from './upstream-response.js';

const target = { name: 'default', baseUrl: 'http://upstream/v1' };
const MAX = 64 * 1024;

/** A response whose body is these reads, then `failure` if given. */
function answer(
  reads: (string | Buffer)[],
  options: { failure?: Error; headers?: Record<string, string> } = {},
): Dispatcher.ResponseData & { body: Readable } {
  const body = Readable.from(
    (async function* () {
      for (const read of reads) {
        await Promise.resolve(); // a network read
        yield Buffer.from(read);
      }
      if (options.failure) {
        throw options.failure;
      }
    })(),
  );
  return {
    statusCode: 200,
    headers: options.headers ?? {},
    body,
  } as unknown as Dispatcher.ResponseData & { body: Readable };
}
const json = (value: unknown) => answer([JSON.stringify(value)]);

const failure = async (
  promise: Promise<unknown>,
): Promise<GatewayException> => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayException);
  return error as GatewayException;
};

describe(readJsonBody.name, () => {
  it('returns the parsed body, however it was split, byte-order mark or not', async () => {
    await expect(
      readJsonBody(answer(['\uFEFF{"a":', '1}']), target, MAX),
    ).resolves.toEqual({ a: 1 });
  });

  it('reports a body that is not JSON as upstream_bad_response', async () => {
    const sut = await failure(readJsonBody(answer(['{nope']), target, MAX));
    expect(sut.code).toBe('upstream_bad_response');
  });

  it('stops reading a body as soon as it outgrows the limit', async () => {
    const reads = Array.from({ length: 8 }, () => 'x'.repeat(16 * 1024));
    const response = answer(reads);
    const sut = await failure(readJsonBody(response, target, MAX));
    expect(sut.code).toBe('upstream_bad_response');
    expect(sut.message).toBe(
      "The upstream 'default' sent an answer larger than 64 KiB (UPSTREAM_MAX_BODY_BYTES).",
    );
    expect(response.body.destroyed).toBe(true);
  });

  it('refuses a content-length over the limit without reading', async () => {
    const response = answer(['{}'], {
      headers: { 'content-length': String(MAX + 1) },
    });
    const sut = await failure(readJsonBody(response, target, MAX));
    expect(sut.message).toContain('UPSTREAM_MAX_BODY_BYTES');
    expect(response.body.destroyed).toBe(true);
  });

  it('reports a body that stalls as upstream_timeout, not as a bad body', async () => {
    const stalled = Object.assign(new Error('Body Timeout Error'), {
      code: 'UND_ERR_BODY_TIMEOUT',
    });
    const sut = await failure(
      readJsonBody(answer(['{"a"'], { failure: stalled }), target, MAX),
    );
    expect(sut.code).toBe('upstream_timeout');
  });

  it('reports a body that breaks off as upstream_unreachable', async () => {
    const reset = Object.assign(new Error('other side closed'), {
      code: 'UND_ERR_SOCKET',
    });
    const sut = await failure(
      readJsonBody(answer(['{"a"'], { failure: reset }), target, MAX),
    );
    expect(sut.code).toBe('upstream_unreachable');
  });

  it('passes our own abort through', async () => {
    const abort = new DOMException('aborted', 'AbortError');
    await expect(
      readJsonBody(answer([], { failure: abort }), target, MAX),
    ).rejects.toBe(abort);
  });
});

describe(readCompletion.name, () => {
  it('decodes a completion with a choices array', async () => {
    const completion = await readCompletion(json({ choices: [] }), target, MAX);
    expect(completion.choices).toEqual([]);
    expect(completion.object).toBe('chat.completion');
  });

  it.each([[{ id: 'x' }], [{ choices: null }], [null], ['text'], [[1]]])(
    'refuses %j as upstream_bad_response',
    async (body) => {
      const error = await failure(readCompletion(json(body), target, MAX));
      expect(error.code).toBe('upstream_bad_response');
    },
  );

  it('reports an error body sent with a 200 as the upstream error', async () => {
    const error = await failure(
      readCompletion(
        json({ object: 'error', message: 'boom', code: 503 }),
        target,
        MAX,
      ),
    );
    expect(error.code).toBe('upstream_error');
    expect(error.options.status).toBe(503);
    expect(error.message).toBe('boom');
  });
});
