import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { readCompletion, readJsonBody } from './upstream-response.js';

const target = { name: 'default', baseUrl: 'http://upstream/v1' };

/** A response whose body's json() settles as given. */
function answer(json: () => Promise<unknown>): Dispatcher.ResponseData {
  return { body: { json } } as unknown as Dispatcher.ResponseData;
}

const failure = async (
  promise: Promise<unknown>,
): Promise<GatewayException> => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayException);
  return error as GatewayException;
};

describe(readJsonBody.name, () => {
  it('returns the parsed body', async () => {
    await expect(
      readJsonBody(
        answer(() => Promise.resolve({ a: 1 })),
        target,
      ),
    ).resolves.toEqual({ a: 1 });
  });

  it('reports a body that is not JSON as upstream_bad_response', async () => {
    const sut = await failure(
      readJsonBody(
        answer(() => Promise.reject(new SyntaxError('Unexpected token'))),
        target,
      ),
    );
    expect(sut.code).toBe('upstream_bad_response');
  });

  it('reports a body that stalls as upstream_timeout, not as a bad body', async () => {
    const stalled = Object.assign(new Error('Body Timeout Error'), {
      code: 'UND_ERR_BODY_TIMEOUT',
    });
    const sut = await failure(
      readJsonBody(
        answer(() => Promise.reject(stalled)),
        target,
      ),
    );
    expect(sut.code).toBe('upstream_timeout');
  });

  it('reports a body that breaks off as upstream_unreachable', async () => {
    const reset = Object.assign(new Error('other side closed'), {
      code: 'UND_ERR_SOCKET',
    });
    const sut = await failure(
      readJsonBody(
        answer(() => Promise.reject(reset)),
        target,
      ),
    );
    expect(sut.code).toBe('upstream_unreachable');
  });

  it('passes our own abort through', async () => {
    const abort = new DOMException('aborted', 'AbortError');
    await expect(
      readJsonBody(
        answer(() => Promise.reject(abort)),
        target,
      ),
    ).rejects.toBe(abort);
  });
});

describe(readCompletion.name, () => {
  it('decodes a completion with a choices array', async () => {
    const completion = await readCompletion(
      answer(() => Promise.resolve({ choices: [] })),
      target,
    );
    expect(completion.choices).toEqual([]);
    expect(completion.object).toBe('chat.completion');
  });

  it.each([[{ id: 'x' }], [{ choices: null }], [null], ['text'], [[1]]])(
    'refuses %j as upstream_bad_response',
    async (body) => {
      const error = await failure(
        readCompletion(
          answer(() => Promise.resolve(body)),
          target,
        ),
      );
      expect(error.code).toBe('upstream_bad_response');
    },
  );

  it('reports an error body sent with a 200 as the upstream error', async () => {
    const error = await failure(
      readCompletion(
        answer(() =>
          Promise.resolve({ object: 'error', message: 'boom', code: 503 }),
        ),
        target,
      ),
    );
    expect(error.code).toBe('upstream_error');
    expect(error.options.status).toBe(503);
    expect(error.message).toBe('boom');
  });
});
