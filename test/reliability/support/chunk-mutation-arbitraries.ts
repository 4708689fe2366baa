import fc from 'fast-check';
import {
  type Chunk,
  type Path,
  type JsonType,
  type Mutation,
  type StreamCase,
  CHOICE,
  DELTA,
  CALL,
  FUNCTION,
  USAGE,
  READ_FIELDS,
  VALUES_BY_TYPE,
  toolCallScenario,
  validStream,
} from './chunk-stream-arbitraries.js';

export type { StreamCase };

/*
 * The mutations of the chunk-mutation property test (a read field set to
 * null, removed or given another JSON type; unknown fields), the cases built
 * from them, and the SSE byte pieces a case is written as.
 */
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
