import fc from 'fast-check';

/**
 * Upstream Chat Completions streams for property tests: valid ones shaped
 * as OpenAI sends them, then mutated in the fields the gateway reads (null,
 * removed, a value of the wrong JSON type, unknown fields), then cut into
 * byte pieces at arbitrary offsets, which the upstream writes one by one.
 */

export type Chunk = Record<string, unknown>;
export type Path = readonly (string | number)[];
export type JsonType = 'string' | 'number' | 'object' | 'array' | 'boolean';

/** A valid upstream stream, before mutation. */
export interface ValidStream {
  scenario: string;
  chunks: Chunk[];
  /** The assistant text the chunks carry (content only, no reasoning). */
  text: string;
  /** The arguments of each tool call, in order. */
  toolArguments: string[];
}

/** One change to the stream's chunks. */
export interface Mutation {
  /** A chunk (modulo the stream's length) or every chunk. */
  where: 'every' | number;
  path: Path;
  change:
    | { kind: 'null' }
    /** Null only where the field is absent, as servers that write every field do. */
    | { kind: 'null if absent' }
    | { kind: 'remove' }
    | { kind: 'wrong type'; value: unknown }
    | { kind: 'unknown field'; value: unknown };
}

/** What the upstream sends for one case. */
export interface StreamCase {
  valid: ValidStream;
  mutations: Mutation[];
  /** Where the SSE body is cut into separate writes (offsets modulo its length). */
  cuts: number[];
}

export const CHOICE: Path = ['choices', 0];
export const DELTA: Path = [...CHOICE, 'delta'];
export const CALL: Path = [...DELTA, 'tool_calls', 0];
export const FUNCTION: Path = [...CALL, 'function'];
export const USAGE: Path = ['usage'];

const fieldsOf = (at: Path, types: Record<string, JsonType>) =>
  Object.entries(types).map(([key, type]) => ({ path: [...at, key], type }));

/** Every field the gateway reads, with the JSON type a valid chunk gives it. */
export const READ_FIELDS: { path: Path; type: JsonType }[] = [
  ...fieldsOf([], { id: 'string', object: 'string', created: 'number' }),
  ...fieldsOf([], { model: 'string', error: 'object', choices: 'array' }),
  ...fieldsOf([], { usage: 'object' }),
  { path: CHOICE, type: 'object' },
  ...fieldsOf(CHOICE, { index: 'number', finish_reason: 'string' }),
  ...fieldsOf(CHOICE, { delta: 'object' }),
  ...fieldsOf(DELTA, { role: 'string', content: 'string', refusal: 'string' }),
  ...fieldsOf(DELTA, { reasoning_content: 'string', reasoning: 'string' }),
  ...fieldsOf(DELTA, { tool_calls: 'array' }),
  { path: CALL, type: 'object' },
  ...fieldsOf(CALL, { index: 'number', id: 'string', type: 'string' }),
  ...fieldsOf(CALL, { function: 'object' }),
  ...fieldsOf(FUNCTION, { name: 'string', arguments: 'string' }),
  ...fieldsOf(USAGE, { prompt_tokens: 'number', completion_tokens: 'number' }),
  ...fieldsOf(USAGE, { total_tokens: 'number' }),
  ...fieldsOf(USAGE, { prompt_tokens_details: 'object' }),
  ...fieldsOf(USAGE, { completion_tokens_details: 'object' }),
  ...fieldsOf([...USAGE, 'completion_tokens_details'], {
    reasoning_tokens: 'number',
  }),
];

export const VALUES_BY_TYPE: Record<JsonType, unknown[]> = {
  number: [0, 1, -1, 1.5, 1e300],
  string: ['', 'x', '0', 'null'],
  object: [{}, { a: 1 }, { index: 0 }],
  array: [[], [null], [{}], ['x']],
  boolean: [true, false],
};

const chunkOf = (choices: unknown[], extra: Chunk = {}): Chunk => ({
  id: 'chatcmpl-prop',
  object: 'chat.completion.chunk',
  created: 1_700_000_000,
  model: 'fake-model',
  choices,
  ...extra,
});
const deltaChunk = (delta: Chunk, finishReason: string | null = null) =>
  chunkOf([{ index: 0, delta, logprobs: null, finish_reason: finishReason }]);
const USAGE_CHUNK = chunkOf([], {
  usage: {
    prompt_tokens: 10,
    completion_tokens: 20,
    total_tokens: 30,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 5 },
  },
});

// Multi-byte characters, so that cuts also land inside a UTF-8 sequence.
const piece = fc.oneof(
  fc.constantFrom('Hello', ' wörld', ' 💥', '\n', '"q"', '\\', ' {}'),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);
const pieces = fc.array(piece, { minLength: 1, maxLength: 4 });

interface Call {
  name: string;
  arguments: string;
}
const toolCall: fc.Arbitrary<Call> = fc.record({
  name: fc.constantFrom('get_weather', 'lookup'),
  arguments: fc.constantFrom('{}', '{"city":"Paris"}', '{"q":"ü💥","n":[1]}'),
});

/** Text, or reasoning then text, as `reasoning_content` or `reasoning`. */
const textStream = fc
  .record({
    reasoning: fc.option(pieces, { nil: undefined }),
    reasoningKey: fc.constantFrom('reasoning_content', 'reasoning'),
    text: pieces,
    finish: fc.constantFrom('stop', 'length'),
  })
  .map(({ reasoning, reasoningKey, text, finish }) => ({
    scenario: reasoning ? `${reasoningKey} then text` : 'text',
    chunks: [
      deltaChunk({ role: 'assistant', content: '' }),
      ...(reasoning ?? []).map((r) => deltaChunk({ [reasoningKey]: r })),
      ...text.map((t) => deltaChunk({ content: t })),
      deltaChunk({}, finish),
    ],
    text: text.join(''),
    toolArguments: [],
  }));

/** Tool calls the OpenAI way (id and name, then argument fragments), maybe after text. */
export function toolCallScenario(lead: string[] | undefined, calls: Call[]) {
  const callChunks = calls.flatMap((call, index) => {
    const half = Math.ceil(call.arguments.length / 2);
    const opening = { index, id: `call_${index}`, type: 'function' };
    const named = { ...opening, function: { name: call.name, arguments: '' } };
    return [
      deltaChunk({ tool_calls: [named] }),
      ...[call.arguments.slice(0, half), call.arguments.slice(half)].map(
        (part) =>
          deltaChunk({
            tool_calls: [{ index, function: { arguments: part } }],
          }),
      ),
    ];
  });
  return {
    scenario: `${lead ? 'text then ' : ''}${calls.length} tool call(s)`,
    chunks: [
      deltaChunk({ role: 'assistant', content: lead ? '' : null }),
      ...(lead ?? []).map((t) => deltaChunk({ content: t })),
      ...callChunks,
      deltaChunk({}, 'tool_calls'),
    ],
    text: (lead ?? []).join(''),
    toolArguments: calls.map((call) => call.arguments),
  };
}

const toolCallStream = fc
  .tuple(
    fc.option(pieces, { nil: undefined }),
    fc.array(toolCall, { minLength: 1, maxLength: 2 }),
  )
  .map(([lead, calls]) => toolCallScenario(lead, calls));

/** A valid stream, mostly with the final usage chunk (`choices: []`). */
export const validStream: fc.Arbitrary<ValidStream> = fc
  .tuple(fc.oneof(textStream, toolCallStream), fc.nat(9))
  .map(([stream, roll]) =>
    roll === 0
      ? stream
      : { ...stream, chunks: [...stream.chunks, USAGE_CHUNK] },
  );
