import fc from 'fast-check';

/**
 * Upstream Chat Completions streams for property tests: valid ones shaped
 * as OpenAI sends them, then mutated in the fields the gateway reads (null,
 * removed, a value of the wrong JSON type, unknown fields), then cut into
 * byte pieces at arbitrary offsets, which the upstream writes one by one.
 */

type Chunk = Record<string, unknown>;
type Path = readonly (string | number)[];
type JsonType = 'string' | 'number' | 'object' | 'array' | 'boolean';

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

const CHOICE: Path = ['choices', 0];
const DELTA: Path = [...CHOICE, 'delta'];
const CALL: Path = [...DELTA, 'tool_calls', 0];
const FUNCTION: Path = [...CALL, 'function'];
const USAGE: Path = ['usage'];

const fieldsOf = (at: Path, types: Record<string, JsonType>) =>
  Object.entries(types).map(([key, type]) => ({ path: [...at, key], type }));

/** Every field the gateway reads, with the JSON type a valid chunk gives it. */
const READ_FIELDS: { path: Path; type: JsonType }[] = [
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

const VALUES_BY_TYPE: Record<JsonType, unknown[]> = {
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
function toolCallScenario(lead: string[] | undefined, calls: Call[]) {
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

const wrongTypeFor = (type: JsonType) =>
  fc
    .constantFrom(
      ...Object.entries(VALUES_BY_TYPE)
        .filter(([other]) => other !== type)
        .flatMap(([, values]) => values),
    )
    .map((value) => ({ kind: 'wrong type' as const, value }));

const readFieldChange = fc
  .constantFrom(...READ_FIELDS)
  .chain(({ path, type }) =>
    fc.record({
      path: fc.constant(path),
      change: fc.oneof(
        fc.constantFrom(
          { kind: 'null' as const },
          { kind: 'null if absent' as const },
          { kind: 'remove' as const },
        ),
        wrongTypeFor(type),
      ),
    }),
  );

const unknownField = fc.record({
  path: fc.constantFrom<Path>([], CHOICE, DELTA, CALL, FUNCTION, USAGE),
  change: fc
    .constantFrom(null, 'x', 1, {}, [], true)
    .map((value) => ({ kind: 'unknown field' as const, value })),
});

// A chunk number is taken modulo the stream's length, so a mutation does
// not depend on the stream it is drawn with, and shrinks towards chunk 0.
const mutation: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.oneof(fc.constant('every' as const), fc.nat(40)),
    fc.oneof({ weight: 4, arbitrary: readFieldChange }, unknownField),
  )
  .map(([where, change]) => ({ where, ...change }));

// Offsets modulo the body's length, likewise; they shrink towards no cut.
const cuts = fc.uniqueArray(fc.integer({ min: 1, max: 1 << 20 }), {
  maxLength: 12,
});

/** A valid stream, unchanged, cut into pieces. */
export const splitValidCase: fc.Arbitrary<StreamCase> = fc
  .record({ valid: validStream, cuts })
  .map((parts) => printable({ ...parts, mutations: [] }));

/** A valid stream with 1–3 mutations, cut into pieces. */
export const mutatedCase: fc.Arbitrary<StreamCase> = fc
  .record({
    valid: validStream,
    mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
    cuts,
  })
  .map(printable);

/**
 * The stream that crashed the gateway: SGLang writes `"tool_calls":null`
 * (and `"reasoning_content":null`) in every delta that has none. Always
 * tried, whatever the seed.
 */
export const SGLANG_CASE: StreamCase = printable({
  valid: toolCallScenario(
    ['Let me check.'],
    [{ name: 'get_weather', arguments: '{"city":"Paris"}' }],
  ),
  mutations: ['tool_calls', 'reasoning_content'].map((field): Mutation => ({
    where: 'every',
    path: [...DELTA, field],
    change: { kind: 'null if absent' },
  })),
  cuts: [],
});

/** The chunks after the case's mutations; a mutation under an absent parent changes nothing. */
export function mutatedChunks({ valid, mutations }: StreamCase): Chunk[] {
  const chunks = structuredClone(valid.chunks);
  for (const m of mutations) {
    const targets =
      m.where === 'every' ? chunks : [chunks[m.where % chunks.length]!];
    targets.forEach((chunk) => applyMutation(chunk, m));
  }
  return chunks;
}

type Node = Record<string | number, unknown>;
const isNode = (node: unknown): node is Node =>
  node !== null && typeof node === 'object';
const nodeAt = (root: unknown, path: Path): unknown =>
  path.reduce<unknown>(
    (node, key) => (isNode(node) ? node[key] : undefined),
    root,
  );

function applyMutation(chunk: Chunk, { path, change }: Mutation): void {
  const target = nodeAt(chunk, path);
  if (change.kind === 'unknown field') {
    if (isNode(target) && !Array.isArray(target)) {
      target['x_unknown_field'] = structuredClone(change.value);
    }
    return;
  }
  const parent = nodeAt(chunk, path.slice(0, -1));
  const key = path.at(-1)!;
  if (!isNode(parent)) {
    return;
  }
  if (change.kind === 'null') {
    parent[key] = null;
  } else if (change.kind === 'null if absent') {
    parent[key] ??= null;
  } else if (change.kind === 'wrong type') {
    parent[key] = structuredClone(change.value);
  } else if (Array.isArray(parent) && typeof key === 'number') {
    parent.splice(key, 1);
  } else {
    delete parent[key];
  }
}

/** The SSE body of the chunks then `data: [DONE]`, cut at the case's offsets. */
export function ssePieces(streamCase: StreamCase, chunks: Chunk[]): Buffer[] {
  const body = Buffer.from(
    chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') +
      'data: [DONE]\n\n',
  );
  const offsets = cutOffsets(streamCase.cuts, body.length);
  return [0, ...offsets].map((start, i) =>
    body.subarray(start, offsets[i] ?? body.length),
  );
}

const cutOffsets = (cuts: number[], length: number): number[] =>
  [...new Set(cuts.map((cut) => cut % length))]
    .filter((offset) => offset > 0)
    .sort((a, b) => a - b);

/** A short account of a case: its scenario and mutations. */
export function describeCase({ valid, mutations }: StreamCase): string {
  const changes = mutations.map(({ where, path, change }) => {
    const at =
      where === 'every'
        ? 'every chunk'
        : `chunk #${where % valid.chunks.length}`;
    const value = 'value' in change ? ` ${JSON.stringify(change.value)}` : '';
    return `${at}: ${path.join('.') || '(chunk)'} ${change.kind}${value}`;
  });
  return `${valid.scenario}; ${changes.join('; ') || 'unmutated'}`;
}

/** A counterexample as fast-check prints it: the case, its cut offsets, the chunks it changed. */
function printable(streamCase: StreamCase): StreamCase {
  const toString = (): string => {
    const chunks = mutatedChunks(streamCase);
    const before = streamCase.valid.chunks.map((c) => JSON.stringify(c));
    const changed = chunks
      .map((c, i) => [i, JSON.stringify(c)] as const)
      .filter(([i, json]) => json !== before[i])
      .map(([i, json]) => `\n    #${i} ${json}`);
    const length = ssePieces(streamCase, chunks).reduce(
      (n, p) => n + p.length,
      0,
    );
    const offsets = cutOffsets(streamCase.cuts, length);
    return `{${describeCase(streamCase)}; cut at [${offsets.join(',')}] of ${length} bytes${changed.join('')}}`;
  };
  return Object.assign(streamCase, { [fc.toStringMethod]: toString });
}
