import fc from 'fast-check';

/*
 * Upstream SSE bodies for the reader's property tests: mostly plain text
 * chunks of one envelope, and everything else a stream may hold.
 */

/** Stands in, in an event list, for a chunk whose content holds the bytes FF FE. */
const NOT_UTF8 = '<not utf-8>';
const NOT_UTF8_BYTES = Buffer.concat([
  Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"'),
  Buffer.from([0xff, 0xfe]),
  Buffer.from('"},"finish_reason":null}]}\n\n'),
]);
export const bodyOf = (events: string[]) =>
  Buffer.concat(
    events.map((event) =>
      event === NOT_UTF8 ? NOT_UTF8_BYTES : Buffer.from(event),
    ),
  );

// ASCII text too: a read that is all ASCII goes on as Latin-1 text, never decoded.
const content = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
);
export const chunk = (
  delta: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  model: 'm',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
  ...extra,
});
/** Events as upstreams write them: mostly plain text chunks, and everything else a stream may hold. */
export const event = fc.oneof(
  {
    weight: 6,
    arbitrary: content.map(
      (text) => `data: ${JSON.stringify(chunk({ content: text }))}\n\n`,
    ),
  },
  {
    weight: 3,
    arbitrary: content.map(
      (text) =>
        `data: ${JSON.stringify(chunk({ content: text }, { usage: null, obfuscation: 'x' }))}\n\n`,
    ),
  },
  {
    weight: 1,
    arbitrary: content.map((text) =>
      `data: ${JSON.stringify(chunk({ content: text }))}\n\n`.replace(
        'data: ',
        'data:',
      ),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constant(
      `data: ${JSON.stringify({ ...chunk({}), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constant(
      `data: ${JSON.stringify({ ...chunk({}), choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } })}\n\n`,
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constant(
      `data: ${JSON.stringify(chunk({ tool_calls: null }))}\n\n`,
    ),
  },
  { weight: 1, arbitrary: fc.constant(': keepalive\n\n') },
  {
    weight: 1,
    arbitrary: content.map(
      (text) =>
        `event: message\ndata: ${JSON.stringify(chunk({ content: text }))}\n\n`,
    ),
  },
  { weight: 1, arbitrary: fc.constant('data: {"choices":[\ndata: ]}\n\n') },
  {
    weight: 1,
    arbitrary: content.map(
      (text) => `data: ${JSON.stringify(chunk({ content: text }))}\r\n\r\n`,
    ),
  },
  { weight: 1, arbitrary: fc.constant('data: [DONE]\n\n') },
  { weight: 1, arbitrary: fc.constant('\n') },
  {
    weight: 1,
    arbitrary: fc.constant(`data: {"a":"${'x'.repeat(5000)}"}\n\n`),
  },
  // A BOM inside the stream is text, not a stream start.
  {
    weight: 1,
    arbitrary: fc.constant(': x\n\n\uFEFFdata: {"choices":[]}\r\n\r\n'),
  },
  // Bytes that are not UTF-8 inside a chunk that is otherwise verbatim.
  { weight: 1, arbitrary: fc.constant(NOT_UTF8) },
);
