/**
 * The one list of the upstream chunk fields the gateway reads, and what a
 * fast path that skips JSON.parse must do about each. The decoder reads a
 * raw chunk only through these names (ChunkField), and both shortcuts build
 * their "this chunk needs the full parse" scans from this list: a field the
 * gateway starts to read is added here, and so can never be skipped by a
 * shortcut without anyone noticing.
 */
export interface FieldRule {
  /**
   * A Chat Completions pass-through forwarding chunks as the upstream wrote
   * them: `parse` when a non-null value may need the decoder to change it
   * (an in-band error, finish_reason, usage, tool-call indexes), `forward`
   * when it goes out as written.
   */
  passThrough: 'parse' | 'forward';
  /**
   * The text-chunk templates (textChunkShortcut): `parse` when a non-null
   * value needs the full parse; `parse-unless-zero` likewise unless it is
   * `0`; `envelope` when equal text around the text proves it equal to the
   * learned (parsed and decoded) chunk's; `text` for a field whose string is
   * the text a template reads: one template per such field, learned from a
   * chunk where it is the only one of them that holds a value. A chunk where
   * two of them hold values takes the full parse.
   */
  textTemplate: 'parse' | 'parse-unless-zero' | 'envelope' | 'text';
  /**
   * The tool-call argument template (argument-chunk-template.ts): `empty`
   * when a chunk it is learned from must hold no value there (null or
   * absent), `envelope` when equal text proves it equal to the learned
   * (parsed and decoded) chunk's, `arguments` for the tool calls whose one
   * continuation's `function.arguments` the template reads.
   */
  argumentTemplate: 'empty' | 'envelope' | 'arguments';
  /** Fields read inside this one (they never appear elsewhere in a chunk). */
  inside?: readonly string[];
}

export const CHUNK_FIELDS = {
  // Top level.
  error: {
    passThrough: 'parse',
    textTemplate: 'parse',
    argumentTemplate: 'empty',
  },
  id: {
    passThrough: 'forward',
    textTemplate: 'envelope',
    argumentTemplate: 'envelope',
  },
  object: {
    passThrough: 'forward',
    textTemplate: 'envelope',
    argumentTemplate: 'envelope',
  },
  created: {
    passThrough: 'forward',
    textTemplate: 'envelope',
    argumentTemplate: 'envelope',
  },
  model: {
    passThrough: 'forward',
    textTemplate: 'envelope',
    argumentTemplate: 'envelope',
  },
  choices: {
    passThrough: 'forward',
    textTemplate: 'envelope',
    argumentTemplate: 'envelope',
  },
  usage: {
    passThrough: 'parse',
    textTemplate: 'parse',
    argumentTemplate: 'empty',
    inside: [
      'prompt_tokens',
      'completion_tokens',
      'total_tokens',
      'prompt_tokens_details',
      'cached_tokens',
      'completion_tokens_details',
      'reasoning_tokens',
    ],
  },
  // A choice.
  index: {
    passThrough: 'forward',
    textTemplate: 'parse-unless-zero',
    argumentTemplate: 'envelope',
  },
  delta: {
    passThrough: 'forward',
    textTemplate: 'envelope',
    argumentTemplate: 'envelope',
  },
  finish_reason: {
    passThrough: 'parse',
    textTemplate: 'parse',
    argumentTemplate: 'empty',
  },
  // The stop string (or token id) a finish chunk stopped at: vLLM's
  // `stop_reason`, SGLang's `matched_stop` (the Messages API's stop_sequence).
  stop_reason: {
    passThrough: 'forward',
    textTemplate: 'parse',
    argumentTemplate: 'empty',
  },
  matched_stop: {
    passThrough: 'forward',
    textTemplate: 'parse',
    argumentTemplate: 'empty',
  },
  // A delta.
  role: {
    passThrough: 'forward',
    textTemplate: 'envelope',
    argumentTemplate: 'envelope',
  },
  content: {
    passThrough: 'forward',
    textTemplate: 'text',
    argumentTemplate: 'empty',
  },
  refusal: {
    passThrough: 'forward',
    textTemplate: 'parse',
    argumentTemplate: 'empty',
  },
  // DeepSeek, SGLang and older vLLM; vLLM ≥0.11 and Ollama write `reasoning`.
  reasoning_content: {
    passThrough: 'forward',
    textTemplate: 'text',
    argumentTemplate: 'empty',
  },
  reasoning: {
    passThrough: 'forward',
    textTemplate: 'text',
    argumentTemplate: 'empty',
  },
  tool_calls: {
    passThrough: 'parse',
    textTemplate: 'parse',
    argumentTemplate: 'arguments',
    inside: ['index', 'id', 'type', 'function', 'name', 'arguments'],
  },
} as const satisfies Record<string, FieldRule>;

/** A field name the decoder may read from a raw chunk. */
export type ChunkField = keyof typeof CHUNK_FIELDS;

/** A field read inside a tool call. */
export type ToolCallField =
  (typeof CHUNK_FIELDS)['tool_calls']['inside'][number];

/** `"name"`, as a key of `name` starts in JSON text: how the shortcuts spell a field. */
export function jsonKey(name: ChunkField | ToolCallField): string {
  return `"${name}"`;
}

type Rules = Record<ChunkField, FieldRule>;

/** The fields whose rule for `lane` is one of `kinds`. */
function fieldsWhere<K extends keyof FieldRule>(
  lane: K,
  kinds: readonly FieldRule[K][],
): string[] {
  return Object.entries(CHUNK_FIELDS as Rules)
    .filter(([, rule]) => kinds.includes(rule[lane]))
    .map(([name]) => name);
}

/**
 * `"name": <not null>` for each name. Inside a JSON string every quote is
 * escaped, so a quoted name followed by a colon is always a real key.
 */
function nonNullKeys(names: readonly string[]): string {
  return `"(?:${names.join('|')})"\\s*:\\s*(?!null\\b)`;
}

/**
 * A lowercase letter or `_` written as a `\u` escape. No JSON encoder writes
 * one (Go's escapes `<`, `>`, `&`; Python's, what is not ASCII), but a key
 * spelled so (`"tool_call\u0073"`) parses as the field it hides from the
 * scans above: such a chunk takes the full parse.
 */
const ESCAPED_NAME_CHARACTER = String.raw`\u00(?:5[fF]|6[1-9a-fA-F]|7[0-9aA])`;

/** A pass-through must parse a chunk that matches (see FieldRule.passThrough). */
export const PASS_THROUGH_NEEDS_PARSE = new RegExp(
  [
    nonNullKeys(fieldsWhere('passThrough', ['parse'])),
    ESCAPED_NAME_CHARACTER,
  ].join('|'),
);

/** A delta field whose string a text template reads (FieldRule.textTemplate `text`). */
export type TextField = {
  [K in ChunkField]: (typeof CHUNK_FIELDS)[K]['textTemplate'] extends 'text'
    ? K
    : never;
}[ChunkField];

/** The text fields, in CHUNK_FIELDS' order. */
export const TEXT_FIELDS = fieldsWhere('textTemplate', ['text']) as TextField[];

/** A text field that holds a value (not null); global, to count them. */
const TEXT_FIELD_VALUE = new RegExp(nonNullKeys(TEXT_FIELDS), 'g');

/**
 * Where the key of the one text field of `data` that holds a value starts;
 * -1 when none does, or more than one (such a chunk takes the full parse).
 */
export function onlyTextValueAt(data: string): number {
  TEXT_FIELD_VALUE.lastIndex = 0;
  const first = TEXT_FIELD_VALUE.exec(data);
  return first !== null && !TEXT_FIELD_VALUE.test(data) ? first.index : -1;
}

/** A text template must not be learned from, or hold, a chunk that matches. */
export const TEXT_TEMPLATE_NEEDS_PARSE = new RegExp(
  [
    nonNullKeys(fieldsWhere('textTemplate', ['parse'])),
    ...fieldsWhere('textTemplate', ['parse-unless-zero']).map(
      (name) => `"${name}"\\s*:\\s*(?!0\\b)`,
    ),
    ESCAPED_NAME_CHARACTER,
  ].join('|'),
);

/**
 * The fields that hold no value (null or absent) in a chunk an argument
 * template is learned from (FieldRule.argumentTemplate `empty`).
 */
export const ARGUMENT_TEMPLATE_EMPTY = fieldsWhere('argumentTemplate', [
  'empty',
]) as ChunkField[];
