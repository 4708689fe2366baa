import { describe, expect, it } from 'vitest';
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

  it('reads a plain text chunk through both fast paths', () => {
    expect(passThroughShortcut(true)(textChunk('hi'))).toBeDefined();
    expect(templateTakes(textChunk('hi'))).toBe(true);
  });
});
