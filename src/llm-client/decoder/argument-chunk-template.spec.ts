import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { ChatSseParser } from '../chat-sse.parser.js';
import { ChunkDecoder } from './chunk-decoder.js';
import { TextDelta, TextRun, UpstreamChunk } from './stream-items.js';
import { textChunkShortcut, textDeltaShortcut } from './text-chunk-shortcut.js';
import {
  arbitraryToolStream,
  chunkOf,
  type Json,
  payloadsOf,
} from './tool-call-streams.test-support.js';
import type { ChunkShortcut } from './verbatim-chunk.js';

const encoder = new TextEncoder();

const call = (toolCall: Json, extra?: Json) =>
  JSON.stringify(chunkOf({ tool_calls: [toolCall] }, extra));
const start = (index: number, id: string) =>
  call({ id, type: 'function', index, function: { name: 'f' } });
const args = (index: number, text: string) =>
  call({ index, function: { arguments: text } });

/** What one stream reads to: a decoded chunk (with its text, if kept) or a text. */
type Read = [chunk: ChatCompletionChunk, raw: string | undefined] | string;

/** The payloads through the SSE parser with `shortcut`, in order. */
function readThrough(
  shortcut: ChunkShortcut<UpstreamChunk | TextDelta | TextRun>,
  payloads: readonly string[],
): { reads: Read[]; templated: number } {
  const reads: Read[] = [];
  let templated = 0;
  const parser = new ChatSseParser<UpstreamChunk | TextDelta | TextRun>(
    (chunk, raw) => reads.push([chunk, raw]),
    'test-upstream',
    {
      read: shortcut,
      onItem: (item) => {
        if (item instanceof TextDelta) {
          reads.push(item.text);
          return;
        }
        // The texts of one read of ASCII (textDeltaShortcut's TextRunRule).
        if (item instanceof TextRun) {
          reads.push(...item.texts);
          return;
        }
        // Text templates never read a chunk with tool calls.
        templated += item.chunk.choices[0]?.delta.tool_calls ? 1 : 0;
        reads.push([item.chunk, item.raw]);
      },
    },
  );
  parser.feed(
    encoder.encode(payloads.map((data) => `data: ${data}\n\n`).join('')),
  );
  parser.end();
  return { reads, templated };
}

/** The payloads as JSON.parse and one decoder for the stream read them. */
function readByParse(payloads: readonly string[]): Read[] {
  const decoder = new ChunkDecoder();
  return payloads.map((data) => {
    const { chunk, rewritten } = decoder.decode(JSON.parse(data) as Json);
    return [chunk, rewritten ? undefined : data];
  });
}

/** Holds what the shortcut read to what the parse gives, chunk by chunk. */
function expectSameReads(fast: Read[], parsed: Read[], keepsText: boolean) {
  expect(fast).toHaveLength(parsed.length);
  fast.forEach((read, i) => {
    const [chunk, raw] = parsed[i] as [ChatCompletionChunk, string | undefined];
    if (typeof read === 'string') {
      expect(chunk.choices[0]?.delta.content).toBe(read);
      return;
    }
    expect(read[0]).toStrictEqual(chunk);
    // Writers serialise the chunk: the key order is the parse's too.
    expect(JSON.stringify(read[0])).toBe(JSON.stringify(chunk));
    if (keepsText) {
      expect(read[1]).toBe(raw);
    }
  });
}

describe('tool-call argument templates', () => {
  it('reads the argument chunks after the first continuation through the template', () => {
    const payloads = [
      start(0, 'call_a'),
      args(0, '{"pa'),
      args(0, 'th": "src/\\u00e9 \\"x\\"'),
      args(0, ' 👋 a long fragment of more than thirteen characters'),
      args(0, '"}'),
    ];
    const parse = vi.spyOn(JSON, 'parse');
    let result: ReturnType<typeof readThrough>;
    try {
      result = readThrough(textChunkShortcut(true), payloads);
      // The call's start and its first continuation; escapes of the rest
      // decode on their own (one string each).
      expect(
        parse.mock.calls.filter(([text]) => text.startsWith('{')),
      ).toHaveLength(2);
    } finally {
      parse.mockRestore();
    }
    expect(result.templated).toBe(3);
    expectSameReads(result.reads, readByParse(payloads), true);
  });

  // Ollama before Feb 2026: every call at index 0, its id on its first
  // delta. B's continuations have exactly A's envelope, yet are call 1.
  it('never reads a later call through the template of an earlier one at the same index', () => {
    const payloads = [
      start(0, 'a'),
      args(0, '{"x":'),
      args(0, '1}'),
      start(0, 'b'),
      args(0, '{"y":'),
      args(0, '2}'),
    ];
    for (const shortcut of [textChunkShortcut(true), textDeltaShortcut()]) {
      const { reads } = readThrough(shortcut, payloads);
      const indexes = reads.map(
        (read) =>
          typeof read !== 'string' &&
          read[0].choices[0]?.delta.tool_calls?.[0]?.index,
      );
      expect(indexes).toEqual([0, 0, 0, 1, 1, 1]);
      expectSameReads(reads, readByParse(payloads), false);
    }
  });

  it('learns nothing when used without the parser telling it what it decoded', () => {
    const read = textChunkShortcut();
    expect(read(start(0, 'a'))).toBeUndefined();
    expect(read(args(0, 'x'))).toBeUndefined();
    expect(read(args(0, 'y'))).toBeUndefined();
  });

  it.each([
    ['an id', { index: 0, id: 'a', function: { arguments: 'x' } }],
    ['a type', { index: 0, type: 'function', function: { arguments: 'x' } }],
    ['a name', { index: 0, function: { name: 'f', arguments: 'x' } }],
    ['no index (a rewritten index)', { function: { arguments: 'x' } }],
    ['object arguments', { index: 0, function: { arguments: { x: 1 } } }],
  ])('learns no template from a chunk with %s', (_name, toolCall) => {
    const first = call(toolCall);
    const next = first.replace('"x"', '"y"').replace('"x":1', '"y":1');
    const { reads, templated } = readThrough(textChunkShortcut(), [
      start(0, 'a'),
      first,
      next,
      next,
    ]);
    expect(templated).toBe(0);
    expect(reads).toHaveLength(4);
  });

  it.each([
    [
      'a key that ends in "arguments"',
      '{"index":0,"function":{"x\\"arguments":"v","arguments":"v"}}',
    ],
    [
      'a key spelled with escapes',
      '{"index":0,"function":{"argument\\u0073":"v","x\\"arguments":"v"}}',
    ],
    [
      'its arguments key spelled with escapes, and another elsewhere',
      '{"index":0,"function":{"argument\\u0073":"v"},"x":{"arguments":"v"}}',
    ],
    [
      'two calls',
      '{"index":0,"function":{"arguments":"v"}},{"index":1,"function":{"arguments":"v"}}',
    ],
  ])('learns no template from a chunk with %s', (_name, toolCalls) => {
    const first = JSON.stringify(chunkOf({ tool_calls: [] })).replace(
      '"tool_calls":[]',
      `"tool_calls":[${toolCalls}]`,
    );
    // Only the last "v" changes: the decoded arguments may not.
    const at = first.lastIndexOf('"v"');
    const next = `${first.slice(0, at)}"w"${first.slice(at + 3)}`;
    const payloads = [start(0, 'a'), first, next, next];
    const { reads, templated } = readThrough(textChunkShortcut(), payloads);
    expect(templated).toBe(0);
    expectSameReads(reads, readByParse(payloads), false);
  });

  it('carries the padding of each chunk', () => {
    const padded = (text: string, obfuscation: string) =>
      args(0, text).replace(
        /}$/,
        `,"obfuscation":${JSON.stringify(obfuscation)}}`,
      );
    const payloads = [
      start(0, 'a'),
      padded('{', 'abc'),
      padded('"q":', 'Zq1xx'),
      padded('1}', ''),
      padded('x', 'a"b'),
    ];
    const { reads, templated } = readThrough(textChunkShortcut(true), payloads);
    expect(templated).toBe(2);
    expectSameReads(reads, readByParse(payloads), true);
  });

  // Review (R-review11): a text chunk whose tool_calls key is spelled with an
  // escape passes plainTextAt's scan, so learnTemplate decodes it with a
  // fresh ChunkDecoder and the stream's decoder never sees call b (nor is the
  // argument template forgotten): b and its continuations keep index 0,
  // where the plain path gives 1.
  it('never reads a call hidden behind an escaped key as the earlier call', () => {
    const hidden = JSON.stringify(
      chunkOf({
        content: 'hi',
        tool_calls: [
          { index: 0, id: 'b', type: 'function', function: { name: 'g' } },
        ],
      }),
    ).replace('"tool_calls"', '"tool_call\\u0073"');
    const payloads = [
      start(0, 'a'),
      args(0, '{"x":'),
      args(0, '1}'),
      hidden,
      args(0, '{"y":'),
      args(0, '2}'),
    ];
    const { reads } = readThrough(textChunkShortcut(true), payloads);
    expectSameReads(reads, readByParse(payloads), true);
  });
});

describe('tool-call argument templates, on streams of every dialect', () => {
  // Read once through the shortcut and the parser, once by JSON.parse and
  // the stream's decoder: the same chunks, with the same upstream text.
  it.each([
    ['textChunkShortcut(true)', () => textChunkShortcut(true), true],
    ['textDeltaShortcut', textDeltaShortcut, false],
  ] as const)(
    'reads every chunk as the decoder does, through %s',
    (_name, shortcut, keepsText) => {
      let templated = 0;
      const dialects = new Set<string>();
      fc.assert(
        fc.property(arbitraryToolStream, (stream) => {
          const payloads = payloadsOf(stream);
          const fast = readThrough(shortcut(), payloads);
          expectSameReads(fast.reads, readByParse(payloads), keepsText);
          templated += fast.templated;
          if (fast.templated > 0) {
            dialects.add(`${stream.dialect.ids}/${stream.dialect.indexes}`);
          }
        }),
        { numRuns: 1500 },
      );
      expect(templated).toBeGreaterThan(500);
      // Templates only where ids are not on every delta and indexes are given.
      expect([...dialects].sort()).toEqual([
        'first/mixed',
        'first/own',
        'first/zero',
        'null/mixed',
        'null/own',
        'null/zero',
      ]);
    },
  );
});
