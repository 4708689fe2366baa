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
   * The text-chunk template (textChunkShortcut): `parse` when a non-null
   * value needs the full parse; `parse-unless-zero` likewise unless it is
   * `0`; `envelope` when equal text around the content proves it equal to
   * the learned (parsed and decoded) chunk's; `content` for the text itself.
   */
  textTemplate: 'parse' | 'parse-unless-zero' | 'envelope' | 'content';
  /** Fields read inside this one (they never appear elsewhere in a chunk). */
  inside?: readonly string[];
}

export const CHUNK_FIELDS = {
  // Top level.
  error: { passThrough: 'parse', textTemplate: 'parse' },
  id: { passThrough: 'forward', textTemplate: 'envelope' },
  object: { passThrough: 'forward', textTemplate: 'envelope' },
  created: { passThrough: 'forward', textTemplate: 'envelope' },
  model: { passThrough: 'forward', textTemplate: 'envelope' },
  choices: { passThrough: 'forward', textTemplate: 'envelope' },
  usage: {
    passThrough: 'parse',
    textTemplate: 'parse',
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
  index: { passThrough: 'forward', textTemplate: 'parse-unless-zero' },
  delta: { passThrough: 'forward', textTemplate: 'envelope' },
  finish_reason: { passThrough: 'parse', textTemplate: 'parse' },
  // A delta.
  role: { passThrough: 'forward', textTemplate: 'envelope' },
  content: { passThrough: 'forward', textTemplate: 'content' },
  refusal: { passThrough: 'forward', textTemplate: 'parse' },
  reasoning_content: { passThrough: 'forward', textTemplate: 'parse' },
  reasoning: { passThrough: 'forward', textTemplate: 'parse' },
  tool_calls: {
    passThrough: 'parse',
    textTemplate: 'parse',
    inside: ['index', 'id', 'type', 'function', 'name', 'arguments'],
  },
} as const satisfies Record<string, FieldRule>;

/** A field name the decoder may read from a raw chunk. */
export type ChunkField = keyof typeof CHUNK_FIELDS;

/** `"name"`, as a key of `name` starts in JSON text: how the shortcuts spell a field. */
export function jsonKey(name: ChunkField): string {
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

/** A pass-through must parse a chunk that matches (see FieldRule.passThrough). */
export const PASS_THROUGH_NEEDS_PARSE = new RegExp(
  nonNullKeys(fieldsWhere('passThrough', ['parse'])),
);

/** The text template must not be learned from, or hold, a chunk that matches. */
export const TEXT_TEMPLATE_NEEDS_PARSE = new RegExp(
  [
    nonNullKeys(fieldsWhere('textTemplate', ['parse'])),
    ...fieldsWhere('textTemplate', ['parse-unless-zero']).map(
      (name) => `"${name}"\\s*:\\s*(?!0\\b)`,
    ),
  ].join('|'),
);
