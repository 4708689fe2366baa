/**
 * Streams of tool-call chunks in the dialects of tool-call-indexer.ts, for
 * property tests of what reads them.
 */
import fc from 'fast-check';

/** A JSON object, as a test writes it. */
export type Json = Record<string, unknown>;

/** A chunk of one choice whose delta is `delta`, in vLLM's envelope. */
export const chunkOf = (delta: Json, extra: Json = {}): Json => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
  ...extra,
});

/** How a backend writes tool calls (see tool-call-indexer.ts). */
interface Dialect {
  /** On the first delta only, on every one, or `null` on continuations. */
  ids: 'first' | 'every' | 'null';
  /** Each call its own index, all at 0 (old Ollama), none, or its own on some deltas. */
  indexes: 'own' | 'zero' | 'none' | 'mixed';
  /** `type` and `name` come on the first delta (else the name alone). */
  typed: boolean;
  /** The choice's index. */
  choice: 0 | 1;
}

interface CallScript {
  name: string;
  fragments: string[];
}

/** A chunk that is not a plain continuation, put somewhere in the stream. */
type Interloper =
  | 'text'
  | 'reasoning'
  | 'object-arguments'
  | 'two-calls'
  | 'null-arguments'
  | 'no-index-continuation';

const fragment = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', '{"', '\\', '"}', 'a\\"b', '👋é', 'x'.repeat(30)),
);

export const arbitraryToolStream = fc.record({
  dialect: fc.record<Dialect>({
    ids: fc.constantFrom('first', 'every', 'null'),
    indexes: fc.constantFrom('own', 'zero', 'none', 'mixed'),
    typed: fc.boolean(),
    choice: fc.constantFrom(0, 0, 1),
  }),
  calls: fc.array(
    fc.record({
      name: fc.constantFrom('read', 'apply_patch'),
      fragments: fc.array(fragment, { minLength: 1, maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  /** Which call's next delta comes next, when calls interleave. */
  interleave: fc.option(fc.array(fc.nat(), { maxLength: 30 })),
  interlopers: fc.array(
    fc.tuple(
      fc.nat(),
      fc.constantFrom<Interloper>(
        'text',
        'reasoning',
        'object-arguments',
        'two-calls',
        'null-arguments',
        'no-index-continuation',
      ),
    ),
    { maxLength: 3 },
  ),
  paddings: fc.option(fc.array(fc.string({ maxLength: 6 }), { minLength: 1 })),
  finish: fc.constantFrom('stop', 'tool_calls'),
});

/** The tool-call deltas of each call, in the dialect. */
function deltasOf(calls: CallScript[], dialect: Dialect): Json[][] {
  return calls.map(({ name, fragments }, n) => {
    const id = `call_${n}`;
    return fragments.map((text, at) => {
      const index =
        dialect.indexes === 'own' ||
        (dialect.indexes === 'mixed' && at % 3 !== 2)
          ? n
          : dialect.indexes === 'zero'
            ? 0
            : undefined;
      const first = at === 0;
      const idField =
        first || dialect.ids === 'every'
          ? { id }
          : dialect.ids === 'null'
            ? { id: null }
            : {};
      const fn = first ? { name, arguments: text } : { arguments: text };
      return {
        ...(index === undefined ? {} : { index }),
        ...idField,
        ...(first && dialect.typed ? { type: 'function' } : {}),
        function: fn,
      };
    });
  });
}

/** The deltas of all calls in one order: one after another, or interleaved. */
function ordered(deltas: Json[][], picks: number[] | null): Json[] {
  if (picks === null) {
    return deltas.flat();
  }
  const queues = deltas.map((list) => [...list]);
  const out: Json[] = [];
  for (const pick of picks) {
    const open = queues.filter((queue) => queue.length > 0);
    const next = open[pick % Math.max(open.length, 1)]?.shift();
    if (next !== undefined) {
      out.push(next);
    }
  }
  return [...out, ...queues.flat()];
}

function interloper(kind: Interloper): Json {
  switch (kind) {
    case 'text':
      return { content: 'hi' };
    case 'reasoning':
      return { reasoning: 'hm' };
    case 'object-arguments':
      return { tool_calls: [{ index: 0, function: { arguments: { a: 1 } } }] };
    case 'two-calls':
      return {
        tool_calls: [
          { index: 0, function: { arguments: 'p' } },
          { index: 1, function: { arguments: 'q' } },
        ],
      };
    case 'null-arguments':
      return { tool_calls: [{ index: 0, function: { arguments: null } }] };
    case 'no-index-continuation':
      return { tool_calls: [{ function: { arguments: 'r' } }] };
  }
}

/** A stream's payloads, from the arbitrary's script. */
export function payloadsOf(stream: ToolStream): string[] {
  const { dialect, paddings } = stream;
  const deltas: Json[] = ordered(
    deltasOf(stream.calls, dialect),
    stream.interleave,
  ).map((toolCall) => ({ tool_calls: [toolCall] }));
  for (const [at, kind] of stream.interlopers) {
    deltas.splice(at % (deltas.length + 1), 0, interloper(kind));
  }
  const chunks = deltas.map((delta) => chunkOf(delta));
  chunks.push({
    ...chunkOf({}),
    choices: [{ index: 0, delta: {}, finish_reason: stream.finish }],
  });
  return chunks.map((chunk, i) => {
    const [choice] = chunk['choices'] as Json[];
    const withChoice = {
      ...chunk,
      choices: [{ ...choice, index: dialect.choice }],
    };
    const padding = paddings?.[i % paddings.length];
    return JSON.stringify(
      padding === undefined
        ? withChoice
        : { ...withChoice, obfuscation: padding },
    );
  });
}

type ToolStream =
  typeof arbitraryToolStream extends fc.Arbitrary<infer S> ? S : never;
