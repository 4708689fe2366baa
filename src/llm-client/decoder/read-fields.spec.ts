import { describe, expect, it } from 'vitest';
import { ChunkDecoder } from './chunk-decoder.js';
import { textChunkShortcut } from './text-chunk-shortcut.js';
import { passThroughShortcut } from './verbatim-chunk.js';
import { CHUNK_FIELDS, type ChunkField } from './read-fields.js';

/** A plain text chunk in OpenAI's key order, with `extra` in the delta or the choice. */
const textChunk = (content: string, where = '', extra = '') => {
  const inDelta = where === 'delta' ? extra : '';
  const inChoice = where === 'choice' ? extra : '';
  const top = where === 'top' ? extra : '';
  return `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}${inDelta}}${inChoice},"finish_reason":null}]${top}}`;
};

/** Where each read field sits, and a value for it that is not null. */
const PLACES: Record<ChunkField, [where: string, text: string]> = {
  error: ['top', ',"error":{"message":"x"}'],
  id: ['top', ''],
  object: ['top', ''],
  created: ['top', ''],
  model: ['top', ''],
  choices: ['top', ''],
  usage: ['top', ',"usage":{"prompt_tokens":1}'],
  index: ['choice', ',"index":1'],
  delta: ['choice', ''],
  finish_reason: ['choice', ',"finish_reason":"stop"'],
  stop_reason: ['choice', ',"stop_reason":"END"'],
  matched_stop: ['choice', ',"matched_stop":"END"'],
  role: ['delta', ''],
  content: ['delta', ''],
  refusal: ['delta', ',"refusal":"no"'],
  reasoning_content: ['delta', ',"reasoning_content":"r"'],
  reasoning: ['delta', ',"reasoning":"r"'],
  tool_calls: ['delta', ',"tool_calls":[{"index":0,"id":"a"}]'],
};

/** A plain chunk whose delta holds `delta`'s fields alone, in this order. */
const deltaChunk = (delta: Record<string, unknown>) =>
  textChunk('x').replace('{"content":"x"}', JSON.stringify(delta));

/** What the text template makes of `data` after it learned a plain chunk. */
function templateTakes(data: string): boolean {
  const read = textChunkShortcut();
  read(textChunk('learn'));
  return read(data) !== undefined;
}

/** A tool call's arguments continuation, with `extra` in the delta, the choice or the top level. */
const argumentChunk = (text: string, where = '', extra = '') => {
  const inDelta = where === 'delta' ? extra : '';
  const inChoice = where === 'choice' ? extra : '';
  const top = where === 'top' ? extra : '';
  // One finish_reason key: JSON.parse keeps the last of two.
  const finish = extra.includes('"finish_reason"')
    ? ''
    : ',"finish_reason":null';
  return `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(text)}}}]${inDelta}}${inChoice}${finish}}]${top}}`;
};

/**
 * Whether the argument template reads the next chunk of a call, after the
 * stream's decoder decoded its start and `data` (as the SSE parser tells it).
 */
function argumentTemplateTakes(data: string): boolean {
  const read = textChunkShortcut();
  const decoder = new ChunkDecoder();
  const start = argumentChunk('').replace(
    '{"index":0,',
    '{"index":0,"id":"a","type":"function",',
  );
  for (const payload of [start, data]) {
    const { chunk, rewritten } = decoder.decode(
      JSON.parse(payload) as Record<string, unknown>,
    );
    read.learnFrom?.(payload, chunk, rewritten);
  }
  return read(data.replace('"learn"', '"next"')) !== undefined;
}

describe('CHUNK_FIELDS', () => {
  const fields = Object.entries(CHUNK_FIELDS) as [
    ChunkField,
    (typeof CHUNK_FIELDS)[ChunkField],
  ][];

  it.each(fields.filter(([, rule]) => rule.passThrough === 'parse'))(
    'a pass-through parses a chunk whose %s holds a value',
    (name) => {
      const [where, extra] = PLACES[name];
      const data = textChunk('hi', where, extra);
      expect(passThroughShortcut(true)(data)).toBeUndefined();
      expect(passThroughShortcut(false)(data)).toBeUndefined();
    },
  );

  it.each(fields.filter(([, rule]) => rule.textTemplate.startsWith('parse')))(
    'the text template parses a chunk whose %s holds a value',
    (name) => {
      const [where, extra] = PLACES[name];
      expect(templateTakes(textChunk('hi', where, extra))).toBe(false);
    },
  );

  // The plain chunk already carries `"finish_reason":null`.
  it.each(
    fields.filter(
      ([name, rule]) =>
        rule.passThrough === 'parse' && name !== 'finish_reason',
    ),
  )(
    'a null %s does not stop the fast paths (SGLang writes them on every chunk)',
    (name) => {
      const [where] = PLACES[name];
      const data = textChunk('hi', where, `,"${name}":null`);
      expect(passThroughShortcut(true)(data)).toBeDefined();
      expect(templateTakes(data)).toBe(true);
    },
  );

  const textFields = fields
    .filter(([, rule]) => rule.textTemplate === 'text')
    .map(([name]) => name);

  it.each(textFields)(
    'the text template reads a chunk whose one text is its %s, through a template of its own',
    (name) => {
      const read = textChunkShortcut();
      read(textChunk('learn'));
      const [first, next] = [{ [name]: 'a' }, { [name]: 'b' }];
      expect(read(deltaChunk(first))?.chunk.choices[0]?.delta).toEqual(first);
      expect(read(deltaChunk(next))?.chunk.choices[0]?.delta).toEqual(next);
      for (const other of textFields.filter((field) => field !== name)) {
        const withNull = { [other]: null, [name]: 'c' };
        expect(read(deltaChunk(withNull))).toBeDefined();
        expect(read(deltaChunk({ [name]: 'c', [other]: 'd' }))).toBeUndefined();
        expect(read(deltaChunk({ [other]: 'd', [name]: 'c' }))).toBeUndefined();
      }
    },
  );

  const argumentPlace = (name: ChunkField): [string, string] =>
    name === 'content' ? ['delta', ',"content":"c"'] : PLACES[name];

  it.each(fields.filter(([, rule]) => rule.argumentTemplate === 'empty'))(
    'the argument template learns from no chunk whose %s holds a value, and from one where it is null',
    (name) => {
      const [where, extra] = argumentPlace(name);
      expect(argumentTemplateTakes(argumentChunk('learn', where, extra))).toBe(
        false,
      );
      const withNull = argumentChunk('learn', where, `,"${name}":null`);
      expect(argumentTemplateTakes(withNull)).toBe(true);
    },
  );

  it('reads an arguments continuation through the argument template', () => {
    expect(argumentTemplateTakes(argumentChunk('learn'))).toBe(true);
  });

  it('reads a plain text chunk through both fast paths', () => {
    expect(passThroughShortcut(true)(textChunk('hi'))).toBeDefined();
    expect(templateTakes(textChunk('hi'))).toBe(true);
  });
});
