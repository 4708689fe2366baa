import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHAT_FIELDS,
  CONTENT_TYPES,
  hostileValue,
  inputItem,
  prototypeKeyedJson,
  RESPONSES_FIELDS,
  withHostileFields,
} from './support/hostile-arbitraries.js';
import {
  ENDPOINTS,
  isPoisoned,
  useHostileGateways,
  validBody,
} from './support/hostile-harness.js';

/**
 * Generated malformed and hostile request bodies for /v1/responses and
 * /v1/chat/completions, against the real gateway on a real socket. Every
 * input must get a 4xx OpenAI error or a valid answer: never a 5xx, a hang
 * (each request has a client timeout) or a crash, and the gateway keeps
 * serving after every batch. Valid requests are answered by the
 * FakeUpstream's echo (cut short, see shortEcho). The hand-picked extremes
 * (deep nesting, huge bodies, limits) are in hostile-input-fixed.e2e-spec.ts.
 */
describe('hostile input, generated', () => {
  const { attempt, expectAcceptable } = useHostileGateways(
    'hostile input, generated',
  );

  it('responses: random JSON in every field the gateway reads (500 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .boolean()
          .chain((stream) =>
            withHostileFields(validBody('responses', stream), RESPONSES_FIELDS),
          ),
        (body) =>
          expectAcceptable(
            'responses: random field values',
            'responses',
            JSON.stringify(body),
          ),
      ),
      { numRuns: 500 },
    );
  });

  it('responses: random input items, known and unknown types and parts (500 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(inputItem, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (input, stream) =>
          expectAcceptable(
            'responses: random input items',
            'responses',
            JSON.stringify({ model: 'fake-model', input, stream }),
          ),
      ),
      { numRuns: 500 },
    );
  });

  it('chat: random JSON in every field the gateway reads (400 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .boolean()
          .chain((stream) =>
            withHostileFields(validBody('chat', stream), CHAT_FIELDS),
          ),
        (body) =>
          expectAcceptable(
            'chat: random field values',
            'chat',
            JSON.stringify(body),
          ),
      ),
      { numRuns: 400 },
    );
  });

  it('chat: random messages (300 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(inputItem, hostileValue), { maxLength: 6 }),
        fc.boolean(),
        (messages, stream) =>
          expectAcceptable(
            'chat: random messages',
            'chat',
            JSON.stringify({ model: 'fake-model', messages, stream }),
          ),
      ),
      { numRuns: 300 },
    );
  });

  it('__proto__, constructor and prototype keys at every level never pollute; a poisoned body gets a 400 (2 × 200 runs)', async () => {
    const prototypeNames = Object.getOwnPropertyNames(Object.prototype);
    for (const endpoint of ENDPOINTS) {
      await fc.assert(
        fc.asyncProperty(
          prototypeKeyedJson,
          fc.constantFrom('__proto__', 'constructor', 'prototype', 'metadata'),
          fc.boolean(),
          async (nested, key, stream) => {
            const base = JSON.stringify(validBody(endpoint, stream));
            const body = `{"${key}":${JSON.stringify(nested)},${base.slice(1)}`;
            const { answer, problems } = await attempt(
              `${endpoint}: prototype keys`,
              endpoint,
              body,
            );
            expect(problems).toEqual([]);
            if (isPoisoned(JSON.parse(body))) {
              expect(answer.status).toBe(400);
            }
          },
        ),
        { numRuns: 200 },
      );
    }
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(
      prototypeNames,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('random bytes, and valid bodies with random bytes spliced in (2 × 150 runs)', async () => {
    for (const endpoint of ENDPOINTS) {
      const valid = Buffer.from(JSON.stringify(validBody(endpoint, false)));
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }),
            fc
              .tuple(
                fc.nat({ max: valid.length }),
                fc.uint8Array({ minLength: 1, maxLength: 8 }),
              )
              .map(([at, bytes]) =>
                Buffer.concat([
                  valid.subarray(0, at),
                  bytes,
                  valid.subarray(at),
                ]),
              ),
          ),
          (bytes) =>
            expectAcceptable(`${endpoint}: random bytes`, endpoint, bytes),
        ),
        { numRuns: 150 },
      );
    }
  });

  it('any content type with any body (2 × 100 runs)', async () => {
    for (const endpoint of ENDPOINTS) {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...CONTENT_TYPES),
          fc.oneof(
            fc.constant(JSON.stringify(validBody(endpoint, false))),
            fc.constant('model=fake-model&input=hi&stream=true'),
            fc.constant(
              '--xyz\r\nContent-Disposition: form-data; name="model"\r\n\r\nm\r\n--xyz--\r\n',
            ),
            fc.string(),
          ),
          (contentType, body) =>
            expectAcceptable(
              `${endpoint}: content types`,
              endpoint,
              body,
              contentType === '' ? {} : { 'content-type': contentType },
            ),
        ),
        { numRuns: 100 },
      );
    }
  });
});
