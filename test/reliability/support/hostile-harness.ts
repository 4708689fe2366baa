import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { FakeUpstream } from '../../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../../support/gateway-harness.js';
import { problemsOf, send, type Answer, type Endpoint } from './answers.js';
import { shortEcho } from './short-echo.js';

export const BODY_LIMIT_BYTES = 8 * 1024 * 1024;
export const SMALL_BODY_LIMIT_BYTES = 4096;

export const PATHS: Record<Endpoint, string> = {
  responses: '/v1/responses',
  chat: '/v1/chat/completions',
};
export const ENDPOINTS: Endpoint[] = ['responses', 'chat'];
/** Every endpoint, streamed and not. */
export const BOTH = ENDPOINTS.flatMap((endpoint) =>
  [false, true].map((stream) => [endpoint, stream] as const),
);

/** The smallest valid body of an endpoint. */
export function validBody(
  endpoint: Endpoint,
  stream: boolean,
): Record<string, unknown> {
  return endpoint === 'responses'
    ? { model: 'fake-model', input: 'hi', stream }
    : {
        model: 'fake-model',
        messages: [{ role: 'user', content: 'hi' }],
        stream,
      };
}

type Body = string | Uint8Array | Readable | undefined;

/** What a hostile-input spec gets from {@link useHostileGateways}. */
export interface HostileHarness {
  upstream: () => FakeUpstream;
  /** The gateway with BODY_LIMIT_BYTES = SMALL_BODY_LIMIT_BYTES. */
  small: () => RunningGateway;
  /** Sends one input (counted under `test`) and returns what is wrong with the answer. */
  attempt: (
    test: string,
    endpoint: Endpoint,
    body: Body,
    headers?: Record<string, string>,
    target?: RunningGateway,
  ) => Promise<{ answer: Answer; problems: string[] }>;
  /** attempt(), failing the test unless the answer is acceptable. */
  expectAcceptable: (
    test: string,
    endpoint: Endpoint,
    body: Body,
    headers?: Record<string, string>,
  ) => Promise<void>;
}

/**
 * Registers the hooks of a hostile-input spec: a FakeUpstream answering
 * with shortEcho, a gateway with an 8 MiB body limit and one with 4 KiB,
 * a check after every test that both still answer /health and a normal
 * request on both endpoints, and a count of the inputs tried, printed at
 * the end under `title`.
 */
export function useHostileGateways(title: string): HostileHarness {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let small: RunningGateway;
  const tried = new Map<string, number>();

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    upstream.setHandler(shortEcho);
    const env = {
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      UPSTREAM_MAX_RETRIES: '0',
    };
    gateway = await startGateway({
      ...env,
      BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    });
    small = await startGateway({
      ...env,
      BODY_LIMIT_BYTES: String(SMALL_BODY_LIMIT_BYTES),
    });
  });
  afterAll(async () => {
    const total = [...tried.values()].reduce((a, b) => a + b, 0);
    console.info(
      `${title}: ${total} inputs tried\n${[...tried]
        .map(([name, count]) => `  ${count}\t${name}`)
        .join('\n')}`,
    );
    await small?.close();
    await gateway?.close();
    await upstream?.close();
  });
  afterEach(async () => {
    for (const running of [gateway, small]) {
      const health = await fetch(`${running.url}/health`, {
        signal: AbortSignal.timeout(5_000),
      });
      expect(health.status).toBe(200);
      for (const endpoint of ENDPOINTS) {
        const answer = await send(
          running.url,
          PATHS[endpoint],
          JSON.stringify(validBody(endpoint, false)),
        );
        expect(answer.status).toBe(200);
        expect(answer.text).toContain('echo: hi');
      }
    }
  });

  const attempt: HostileHarness['attempt'] = async (
    test,
    endpoint,
    body,
    headers = { 'content-type': 'application/json' },
    target = gateway,
  ) => {
    tried.set(test, (tried.get(test) ?? 0) + 1);
    const answer = await send(target.url, PATHS[endpoint], body, headers);
    return { answer, problems: problemsOf(answer, endpoint) };
  };
  return {
    upstream: () => upstream,
    small: () => small,
    attempt,
    expectAcceptable: async (test, endpoint, body, headers) => {
      const { problems } = await attempt(test, endpoint, body, headers);
      expect(problems).toEqual([]);
    },
  };
}

/**
 * True when a parsed body holds an own `__proto__` key, or a `constructor`
 * object with a `prototype` key, anywhere: what Fastify's JSON parser refuses.
 */
export function isPoisoned(value: unknown): boolean {
  const stack = [value];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node === null || typeof node !== 'object') {
      continue;
    }
    const record = node as Record<string, unknown>;
    const ctor = Object.hasOwn(record, 'constructor')
      ? record.constructor
      : undefined;
    if (
      Object.hasOwn(record, '__proto__') ||
      (ctor !== null &&
        typeof ctor === 'object' &&
        Object.hasOwn(ctor, 'prototype'))
    ) {
      return true;
    }
    stack.push(...Object.values(record));
  }
  return false;
}

/** The body as a stream, so it goes out chunked, without a content-length. */
export function chunkedBody(text: string): Readable {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 1024) {
    pieces.push(bytes.subarray(at, at + 1024));
  }
  return Readable.from(pieces, { objectMode: false });
}
