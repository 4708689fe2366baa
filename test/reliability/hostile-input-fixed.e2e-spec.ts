import { describe, expect, it } from 'vitest';
import {
  BOTH,
  chunkedBody,
  ENDPOINTS,
  SMALL_BODY_LIMIT_BYTES,
  useHostileGateways,
  validBody,
} from './support/hostile-harness.js';

/**
 * Hand-picked hostile bodies for /v1/responses and /v1/chat/completions:
 * 10,000 levels of nesting, 4 MB strings, invalid UTF-8, 10,000 input
 * items, unknown item and part types, bodies over the limit, the wrong
 * content type, and bodies that are not objects. Same rules as the
 * generated inputs (hostile-input.e2e-spec.ts): a 4xx OpenAI error or a
 * valid answer, never a 5xx, a hang or a crash.
 */
const HUGE_STRING_BYTES = 4 * 1024 * 1024;
const DEEP = 10_000;

describe('hostile input, fixed cases', () => {
  const { attempt, expectAcceptable, upstream, small } = useHostileGateways(
    'hostile input, fixed cases',
  );

  // Once a 500 (parseContextOf read `tool.type` of null); fixed in
  // src/tool-calls/text-tool-call-parsing.ts, kept as a regression case.
  it.each([['[null]'], ['[{"type":"function"},null]'], ['{}'], ['5']])(
    'chat: tools %s gets a 4xx or an answer, never a 500',
    async (tools) => {
      await expectAcceptable(
        'chat: hostile tools',
        'chat',
        `{"model":"fake-model","messages":[{"role":"user","content":"hi"}],"tools":${tools}}`,
      );
    },
  );

  it.each(BOTH)(
    '%s (stream: %s): 10,000 levels of arrays or objects get a 400',
    async (endpoint, stream) => {
      const arrays = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;
      const objects = `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`;
      const field = endpoint === 'responses' ? 'input' : 'messages';
      for (const body of [
        `{"stream":${stream},"model":"fake-model","${field}":${arrays}}`,
        `{"stream":${stream},"model":"fake-model","${field}":[],"metadata":${objects}}`,
        `{"stream":${stream},"model":"fake-model","${field}":[{"role":"user","content":${arrays}}]}`,
        arrays,
        `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
      ]) {
        const { answer, problems } = await attempt(
          `${endpoint}: deep nesting`,
          endpoint,
          body,
        );
        expect(problems).toEqual([]);
        expect(answer.status).toBe(400);
      }
    },
  );

  it.each(BOTH)(
    '%s (stream: %s): a 4 MB string is answered',
    async (endpoint, stream) => {
      const huge = 'x'.repeat(HUGE_STRING_BYTES);
      const body =
        endpoint === 'responses'
          ? { model: 'fake-model', input: huge, stream }
          : {
              model: 'fake-model',
              messages: [{ role: 'user', content: huge }],
              stream,
            };
      const { answer, problems } = await attempt(
        `${endpoint}: huge string`,
        endpoint,
        JSON.stringify(body),
      );
      expect(problems).toEqual([]);
      expect(answer.status).toBe(200);
      const sent = upstream().chatRequests.at(-1)!.body;
      expect(JSON.stringify(sent).length).toBeGreaterThan(HUGE_STRING_BYTES);
    },
  );

  it.each(BOTH)(
    '%s (stream: %s): invalid UTF-8 bytes in a string and in the syntax',
    async (endpoint, stream) => {
      const json = JSON.stringify(validBody(endpoint, stream));
      const [before, after] = json.split('hi') as [string, string];
      for (const bytes of [
        [0xff, 0xfe],
        [0xc3],
        [0xed, 0xa0, 0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
      ]) {
        const inString = Buffer.concat([
          Buffer.from(before),
          Buffer.from(bytes),
          Buffer.from(after),
        ]);
        const inSyntax = Buffer.concat([Buffer.from(bytes), Buffer.from(json)]);
        await expectAcceptable(
          `${endpoint}: invalid UTF-8`,
          endpoint,
          inString,
        );
        const { answer } = await attempt(
          `${endpoint}: invalid UTF-8`,
          endpoint,
          inSyntax,
        );
        expect(answer.status).toBe(400);
      }
    },
  );

  it.each(BOTH)(
    '%s (stream: %s): 10,000 input items are answered',
    async (endpoint, stream) => {
      const items = Array.from({ length: 10_000 }, (_, i) => ({
        role: i % 2 === 0 ? 'user' : 'assistant',
        content: `m${i}`,
      }));
      const body =
        endpoint === 'responses'
          ? { model: 'fake-model', input: items, stream }
          : { model: 'fake-model', messages: items, stream };
      const { answer, problems } = await attempt(
        `${endpoint}: 10,000 items`,
        endpoint,
        JSON.stringify(body),
      );
      expect(problems).toEqual([]);
      expect(answer.status).toBe(200);
      expect(upstream().chatRequests.at(-1)!.body.messages).toHaveLength(
        10_000,
      );
    },
  );

  it.each([false, true])(
    'responses (stream: %s): unknown item and part types name their param',
    async (stream) => {
      for (const [input, param] of [
        [[{ type: 'hologram' }], 'input[0].type'],
        [
          [{ role: 'user', content: [{ type: 'input_smell', text: 'x' }] }],
          'input[0].content[0].type',
        ],
        [[{ role: 'user', content: 'ok' }, 42], 'input'],
        [[null], 'input'],
      ] as const) {
        const { answer, problems } = await attempt(
          'responses: unknown types',
          'responses',
          JSON.stringify({ model: 'fake-model', input, stream }),
        );
        expect(problems).toEqual([]);
        expect(answer.status).toBe(400);
        expect(JSON.parse(answer.text).error.param).toBe(param);
      }
    },
  );

  it.each(BOTH)(
    '%s (stream: %s): a body over BODY_LIMIT_BYTES gets a 413, with or without a content-length',
    async (endpoint, stream) => {
      const body = JSON.stringify({
        ...validBody(endpoint, stream),
        padding: 'x'.repeat(SMALL_BODY_LIMIT_BYTES),
      });
      const declared = await attempt(
        `${endpoint}: over the limit`,
        endpoint,
        body,
        { 'content-type': 'application/json' },
        small(),
      );
      expect(declared.problems).toEqual([]);
      expect(declared.answer.status).toBe(413);
      const chunked = await attempt(
        `${endpoint}: over the limit`,
        endpoint,
        chunkedBody(body),
        { 'content-type': 'application/json' },
        small(),
      );
      expect(chunked.answer.status).toBe(413);
      expect(chunked.problems).toEqual([]);
    },
  );

  it.each(ENDPOINTS)(
    '%s: text/plain, form, multipart and octet-stream bodies',
    async (endpoint) => {
      const json = JSON.stringify(validBody(endpoint, false));
      const cases: [string, string, number[]][] = [
        ['text/plain', json, [400]],
        ['multipart/form-data; boundary=xyz', json, [415]],
        ['application/octet-stream', json, [415]],
        // Forms are refused: a web page could otherwise post one
        // cross-origin with no CORS preflight (see SECURITY.md).
        [
          'application/x-www-form-urlencoded',
          'model=fake-model&input=hi',
          [415],
        ],
      ];
      for (const [contentType, body, statuses] of cases) {
        const { answer, problems } = await attempt(
          `${endpoint}: wrong content type`,
          endpoint,
          body,
          { 'content-type': contentType },
        );
        expect(problems).toEqual([]);
        expect(statuses).toContain(answer.status);
      }
    },
  );

  it.each(ENDPOINTS)(
    '%s: an empty body, and a body that is an array, string, number, boolean or null',
    async (endpoint) => {
      for (const body of [
        '',
        '[]',
        '[{"model":"m"}]',
        '"hi"',
        '42',
        'true',
        'null',
      ]) {
        const variants: Record<string, string>[] = [
          { 'content-type': 'application/json' },
          {},
        ];
        for (const headers of variants) {
          const { answer, problems } = await attempt(
            `${endpoint}: not an object`,
            endpoint,
            body,
            headers,
          );
          expect(problems).toEqual([]);
          expect(answer.status).toBeGreaterThanOrEqual(400);
        }
      }
    },
  );
});
