import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { ChunkDecoder } from './chunk-decoder.js';
import { TextDelta, UpstreamChunk } from './stream-items.js';
import { textChunkShortcut, textDeltaShortcut } from './text-chunk-shortcut.js';

const envelope = (
  delta: string,
  tail = ',"logprobs":null,"finish_reason":null',
) =>
  `{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":${delta}${tail}}]}`;
const text = (content: string) =>
  envelope(`{"content":${JSON.stringify(content)}}`);
/** A reasoning chunk in vLLM's (`reasoning`) or DeepSeek's (`reasoning_content`) name. */
const thought = (reasoning: string, name = 'reasoning') =>
  envelope(`{${JSON.stringify(name)}:${JSON.stringify(reasoning)}}`);

/** What the decoder makes of the full parse: the shortcut must give the same. */
const decoded = (data: string): ChatCompletionChunk =>
  new ChunkDecoder().decode(JSON.parse(data) as Record<string, unknown>).chunk;

/** The reasoning text of a chunk's first choice, in either name. */
const reasoningOf = ({ choices }: ChatCompletionChunk) =>
  choices[0]?.delta.reasoning ?? choices[0]?.delta.reasoning_content;

const str = fc.string({ unit: 'binary', maxLength: 20 });
const reasoningName = fc.constantFrom('reasoning', 'reasoning_content');
/** OpenAI's per-chunk padding: mostly letters, sometimes what needs escaping. */
const padding = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.constantFrom('', 'a"b', 'a\\b', '\n', 'x"}'),
);

/** Choices of every shape the shortcut must tell apart: text, finishes, reasoning, tools. */
function arbitraryChoices() {
  const others = fc.record(
    {
      role: fc.constant('assistant'),
      refusal: fc.constantFrom(null, 'no'),
      tool_calls: fc.constantFrom(undefined, [{ index: 0 }]),
    },
    { requiredKeys: [] },
  );
  // One text field, or any mix of them, each null or a string.
  const texts = fc.oneof(
    arbitraryTextDelta(),
    fc.record(
      {
        content: fc.option(str),
        reasoning: fc.option(str),
        reasoning_content: fc.option(str),
      },
      { requiredKeys: [] },
    ),
  );
  const delta = fc
    .tuple(others, texts)
    .map(([other, text]) => ({ ...other, ...text }));
  const choice = fc.record({
    index: fc.constantFrom(0, 0, 1),
    delta,
    finish_reason: fc.constantFrom(null, null, 'stop'),
  });
  return fc.array(choice, { minLength: 1, maxLength: 2 });
}

const arbitraryUsage = fc.constantFrom(undefined, null, { total_tokens: 2 });

/** Chunks of every shape, each with its own envelope. */
function arbitraryChunk() {
  return fc
    .tuple(
      fc.dictionary(str, str, { maxKeys: 2 }),
      arbitraryChoices(),
      arbitraryUsage,
      fc.constantFrom('c1', 'c2'),
      fc.option(padding),
    )
    .map(([vendor, choices, usage, id, obfuscation]) => ({
      ...vendor,
      id,
      choices,
      usage,
      ...(obfuscation === null ? {} : { obfuscation }),
    }));
}

/**
 * A stream's chunks under one envelope (vendor fields, id): mostly plain
 * text, mixed with choices and usage of every shape.
 */
function arbitraryStream() {
  const plainText = arbitraryTextDelta().map((delta) => ({
    choices: [{ index: 0, delta, finish_reason: null }],
    usage: undefined,
  }));
  const anyShape = fc
    .tuple(arbitraryChoices(), arbitraryUsage)
    .map(([choices, usage]) => ({ choices, usage }));
  return fc
    .tuple(
      fc.dictionary(str, str, { maxKeys: 2 }),
      fc.array(fc.oneof(plainText, plainText, anyShape), {
        minLength: 2,
        maxLength: 8,
      }),
    )
    .chain(([vendor, chunks]) =>
      fc
        .array(fc.option(padding), {
          minLength: chunks.length,
          maxLength: chunks.length,
        })
        .map((paddings) =>
          chunks.map((chunk, i) => ({
            ...vendor,
            id: 'c',
            ...chunk,
            ...(paddings[i] === null || paddings[i] === undefined
              ? {}
              : { obfuscation: paddings[i] }),
          })),
        ),
    );
}

/**
 * The delta of a plain text chunk: content, or reasoning in either name
 * (vLLM closes reasoning with a null content), or the first of a reply.
 */
function arbitraryTextDelta() {
  return fc.oneof(
    str.map((content) => ({ content })),
    fc
      .tuple(reasoningName, str)
      .map(([name, reasoning]) => ({ [name]: reasoning })),
    str.map((reasoning) => ({ content: null, reasoning })),
    str.map((content) => ({ role: 'assistant', content })),
  );
}

describe(textChunkShortcut.name, () => {
  it('reads text chunks to what JSON.parse gives, learning the envelope from the first', () => {
    const read = textChunkShortcut();
    for (const content of [
      'Hel',
      'lo "quoted" \\ wörld 👋',
      '',
      'a long text of more than thirteen characters',
    ]) {
      expect(read(text(content))?.chunk).toEqual(decoded(text(content)));
    }
    const first = envelope('{"role":"assistant","content":"Hi"}');
    expect(read(first)?.chunk).toEqual(decoded(first));
  });

  it('reads reasoning chunks of either name, as JSON.parse does', () => {
    const read = textChunkShortcut();
    for (const data of [
      thought('Let'),
      thought(' me "think" \\ 👋'),
      thought('a long thought of more than thirteen characters'),
      envelope('{"content":null,"reasoning":"done"}'),
      thought('r', 'reasoning_content'),
      thought('s', 'reasoning_content'),
      envelope('{"content":"x","reasoning":null}'),
    ]) {
      expect(read(data)?.chunk).toEqual(decoded(data));
    }
  });

  // An agent's reply alternates reasoning, text and tool calls: each text
  // field keeps its template, so only its first chunk is parsed.
  it('keeps a template per text field across the turns of a reply', () => {
    const read = textChunkShortcut();
    const chunks = [
      thought('a'),
      thought('b'),
      text('c'),
      envelope('{"tool_calls":[{"index":0,"id":"t"}]}'),
      thought('d'),
      text('e'),
      thought('f', 'reasoning_content'),
      thought('g'),
    ];
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const results = chunks.map((data) => read(data));
      // The first chunk of each of three fields; the tool call is not read.
      expect(parse).toHaveBeenCalledTimes(3);
      chunks.forEach((data, i) => {
        if (i !== 3) {
          expect(results[i]?.chunk).toEqual(decoded(data));
        }
      });
      expect(results[3]).toBeUndefined();
    } finally {
      parse.mockRestore();
    }
  });

  it('records the upstream text of each chunk when asked to', () => {
    const read = textChunkShortcut(true);
    const [a, b] = [text('a'), text('b')];
    expect(read(a)?.raw).toBe(a);
    expect(read(b)?.raw).toBe(b);
    const withoutText = textChunkShortcut()(text('c'));
    expect(withoutText).toBeInstanceOf(UpstreamChunk);
    expect(withoutText?.raw).toBeUndefined();
  });

  it.each([
    ['a finish_reason', envelope('{"content":"x"}', ',"finish_reason":"stop"')],
    ['usage', text('x').replace(/}$/, ',"usage":{"total_tokens":1}}')],
    ['reasoning', envelope('{"reasoning_content":"hmm","content":"x"}')],
    ['reasoning and content', envelope('{"reasoning":"hmm","content":"x"}')],
    [
      'both reasoning names',
      envelope('{"reasoning":"a","reasoning_content":"b"}'),
    ],
    [
      'a second reasoning key',
      thought('x').replace(/}$/, ',"v":{"reasoning":null}}'),
    ],
    ['a reasoning that is no string', envelope('{"reasoning":1}')],
    ['tool calls', envelope('{"content":"x","tool_calls":[{"index":0}]}')],
    ['a second choice', text('x').replace('"index":0', '"index":1')],
    ['spaces around colons', envelope('{"content" : "x"}')],
    [
      'a delta elsewhere',
      text('x').replace(/}$/, ',"v":{"delta":{"content":"y"}}}'),
    ],
  ])('leaves a chunk with %s to the full parse', (_name, data) => {
    expect(textChunkShortcut()(data)).toBeUndefined();
  });

  it('reads chunks whose obfuscation padding changes on every chunk through the template', () => {
    const padded = (content: string, pad: string) =>
      text(content).replace(/}$/, `,"obfuscation":${JSON.stringify(pad)}}`);
    const read = textChunkShortcut(true);
    for (const [content, pad] of [
      ['learn', 'abc'],
      ['x', 'Zq1'],
      ['a long text of more than thirteen characters', ''],
      ['"quoted"', 'sixteen-chars-xx'],
    ] as const) {
      const data = padded(content, pad);
      expect(read(data)?.chunk).toEqual(decoded(data));
    }
    const deltas = textDeltaShortcut();
    deltas(padded('learn', 'abc'));
    expect(deltas(padded('next', 'q'))).toStrictEqual(new TextDelta('next'));
    // A padding value that needs escaping, or a forged tail, is parsed.
    expect(deltas(padded('y', 'a"b'))).not.toBeInstanceOf(TextDelta);
    expect(deltas(padded('y', 'a\\b'))).not.toBeInstanceOf(TextDelta);
    expect(
      deltas(padded('y', 'q').replace(/}$/, ',"usage":{"total_tokens":1}}')),
    ).toBeUndefined();
  });

  it('leaves a chunk that only looks like the learned envelope to the full parse', () => {
    const read = textChunkShortcut();
    read(text('learn'));
    // The text between the envelope's ends is not one JSON string.
    const forged = text('x').replace(
      '"x"',
      '"x","tool_calls":[{"index":0}],"y":"z"',
    );
    expect(read(forged)).toBeUndefined();
    expect(read(text('x').replace('"x"', '"x\\"'))).toBeUndefined();
  });

  // Whatever the chunks, what the shortcut returns is what JSON.parse gives:
  // it can only be slower than the parse, never different.
  it('agrees with the decoded JSON.parse on every chunk it reads', () => {
    const chunk = arbitraryChunk();
    let read = 0;
    let thoughts = 0;
    fc.assert(
      fc.property(fc.array(chunk, { minLength: 1, maxLength: 5 }), (chunks) => {
        const shortcut = textChunkShortcut();
        for (const value of chunks) {
          const data = JSON.stringify(value);
          const fast = shortcut(data);
          if (fast !== undefined) {
            read += 1;
            thoughts += reasoningOf(fast.chunk) === undefined ? 0 : 1;
            expect(fast.chunk).toEqual(decoded(data));
            // Writers serialise the chunk: the key order is the parse's too.
            expect(JSON.stringify(fast.chunk)).toBe(
              JSON.stringify(decoded(data)),
            );
          }
        }
      }),
      { numRuns: 1500 },
    );
    expect(read).toBeGreaterThan(50);
    expect(thoughts).toBeGreaterThan(20);
  });

  it('reads every text chunk of a stream that keeps one envelope, to what JSON.parse gives', () => {
    fc.assert(
      fc.property(
        // Vendor fields, named so as not to collide with the known ones.
        fc.dictionary(
          str.map((name) => `x_${name}`),
          str,
          { maxKeys: 2 },
        ),
        fc.array(fc.tuple(arbitraryTextDelta(), fc.option(padding)), {
          minLength: 2,
          maxLength: 6,
        }),
        (vendor, deltas) => {
          const shortcut = textChunkShortcut();
          for (const [delta, obfuscation] of deltas) {
            const data = JSON.stringify({
              ...vendor,
              id: 'c',
              choices: [{ index: 0, delta, finish_reason: null }],
              ...(obfuscation === null ? {} : { obfuscation }),
            });
            const chunk = shortcut(data)?.chunk;
            expect(chunk).toEqual(decoded(data));
            expect(JSON.stringify(chunk)).toBe(JSON.stringify(decoded(data)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe(textDeltaShortcut.name, () => {
  it('hands over the content alone once the envelope is learned', () => {
    const read = textDeltaShortcut();
    const first = envelope('{"role":"assistant","content":"Hi"}');
    expect(read(first)).toStrictEqual(
      new UpstreamChunk(decoded(first), undefined),
    );
    expect(
      read(envelope('{"role":"assistant","content":" there"}')),
    ).toStrictEqual(new TextDelta(' there'));
    expect(read(text('not the learned envelope'))).toStrictEqual(
      new UpstreamChunk(decoded(text('not the learned envelope')), undefined),
    );
    expect(read(text('lo "quoted" \\ wörld 👋'))).toStrictEqual(
      new TextDelta('lo "quoted" \\ wörld 👋'),
    );
    expect(read(envelope('{"content":"x"}', ',"finish_reason":"stop"'))).toBe(
      undefined,
    );
  });

  it('hands a reasoning chunk over decoded, through its own template', () => {
    const read = textDeltaShortcut();
    read(text('learn'));
    for (const data of [thought('a'), thought('b'), text('c'), thought('d')]) {
      const item = read(data);
      if (data.includes('"content"')) {
        expect(item).toStrictEqual(new TextDelta('c'));
      } else {
        expect(item).toStrictEqual(new UpstreamChunk(decoded(data), undefined));
      }
    }
  });

  // A TextDelta stands for a chunk whose only news is its text: the
  // Responses machine reads nothing else, so it must be exactly that.
  it('gives a TextDelta only for a chunk whose one choice carries nothing but that text', () => {
    let strings = 0;
    let thoughts = 0;
    fc.assert(
      fc.property(arbitraryStream(), (chunks) => {
        const shortcut = textDeltaShortcut();
        for (const value of chunks) {
          const data = JSON.stringify(value);
          // What the reader's TextRunRule reads, before the shortcut learns from this payload.
          const viaRule = shortcut.texts?.text(data);
          const fast = shortcut(data);
          expect(viaRule).toBe(
            fast instanceof TextDelta ? fast.text : undefined,
          );
          if (fast instanceof TextDelta) {
            strings += 1;
            const parsed = JSON.parse(data) as ChatCompletionChunk;
            expect(parsed.usage ?? null).toBeNull();
            expect(parsed.choices).toHaveLength(1);
            const [choice] = parsed.choices;
            expect(choice?.index).toBe(0);
            expect(choice?.finish_reason ?? null).toBeNull();
            const { role, content, ...others } = choice!.delta;
            expect(role ?? 'assistant').toBe('assistant');
            expect(content).toBe(fast.text);
            for (const other of Object.values(others)) {
              expect(other ?? null).toBeNull();
            }
          } else if (fast !== undefined) {
            expect(fast).toBeInstanceOf(UpstreamChunk);
            const { chunk } = fast as UpstreamChunk;
            thoughts += reasoningOf(chunk) === undefined ? 0 : 1;
            expect(chunk).toEqual(decoded(data));
          }
        }
      }),
      { numRuns: 1500 },
    );
    expect(strings).toBeGreaterThan(20);
    expect(thoughts).toBeGreaterThan(20);
  });
});
