import fc from 'fast-check';

/** Top-level fields of a Responses request that the gateway reads or maps. */
export const RESPONSES_FIELDS = [
  'model',
  'input',
  'instructions',
  'stream',
  'store',
  'previous_response_id',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'metadata',
  'truncation',
  'text',
  'reasoning',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'service_tier',
  'top_logprobs',
  'seed',
  'stop',
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'include',
  'background',
  'stream_options',
  'max_tool_calls',
  'conversation',
  'prompt',
] as const;

/** Fields of a chat completion request that the gateway reads or rewrites. */
export const CHAT_FIELDS = [
  'model',
  'messages',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'n',
  'max_tokens',
  'temperature',
  'response_format',
  'user',
  'metadata',
] as const;

const KEYS_OF_PROTOTYPES = ['__proto__', 'constructor', 'prototype'];

/** Values of every JSON type, with the edge cases a parser or mapper trips on. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  fc.constantFrom(
    null,
    '',
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    true,
    false,
    [],
    {},
    [null],
    [[]],
    [{}],
    { type: null },
    '\u0000',
    '\ud800',
    '💥'.repeat(50),
    'x'.repeat(300),
  ),
);

/** Sets 1–4 fields of `base` to hostile values. */
export function withHostileFields(
  base: Record<string, unknown>,
  fields: readonly string[],
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .uniqueArray(fc.tuple(fc.constantFrom(...fields), hostileValue), {
      minLength: 1,
      maxLength: 4,
      selector: ([field]) => field,
    })
    .map((pairs) => ({ ...base, ...Object.fromEntries(pairs) }));
}

const ITEM_TYPES = [
  'message',
  'function_call',
  'function_call_output',
  'reasoning',
  'item_reference',
  'custom_tool_call',
  'custom_tool_call_output',
  'mcp_call',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'computer_call',
  'web_search_call',
  'file_search_call',
  'image_generation_call',
  'local_shell_call',
  'compaction',
  'not_a_type',
];

const PART_TYPES = [
  'input_text',
  'output_text',
  'input_image',
  'input_file',
  'input_audio',
  'refusal',
  'text',
  'summary_text',
  'reasoning_text',
  'not_a_part',
];

const ROLES = ['user', 'assistant', 'system', 'developer', 'tool', 'critic'];

/** A value that is sometimes well-typed for a field, often not. */
const maybe = (good: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 3, arbitrary: good }, hostileValue);

const contentPart = fc.record(
  {
    type: maybe(fc.constantFrom(...PART_TYPES)),
    text: maybe(fc.string()),
    image_url: maybe(fc.constantFrom('data:image/png;base64,AAAA', 'ftp://x')),
    file_data: maybe(fc.base64String()),
    file_id: maybe(fc.string()),
    detail: maybe(fc.constantFrom('low', 'high', 'auto')),
    annotations: hostileValue,
  },
  { requiredKeys: ['type'] },
);

/** One Responses input item: known and unknown types, roles, parts and fields. */
export const inputItem: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        type: maybe(fc.constantFrom(...ITEM_TYPES)),
        role: maybe(fc.constantFrom(...ROLES)),
        content: maybe(
          fc.oneof(fc.string(), fc.array(contentPart, { maxLength: 4 })),
        ),
        id: maybe(fc.string()),
        call_id: maybe(fc.string()),
        name: maybe(fc.string()),
        arguments: maybe(fc.string()),
        output: maybe(fc.oneof(fc.string(), fc.array(contentPart))),
        status: maybe(
          fc.constantFrom('completed', 'in_progress', 'incomplete'),
        ),
        summary: hostileValue,
        encrypted_content: hostileValue,
        server_label: maybe(fc.string()),
        approve: hostileValue,
      },
      { requiredKeys: [] },
    ),
  },
  hostileValue,
);

/**
 * A JSON document whose object keys are often `__proto__`, `constructor`
 * or `prototype`, at every level. Built with Object.fromEntries, so those
 * keys are own properties and JSON.stringify writes them out.
 */
export const prototypeKeyedJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 0 }),
    fc.array(tie('node'), { maxLength: 3 }),
    tie('object'),
  ),
  object: fc
    .array(
      fc.tuple(
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...KEYS_OF_PROTOTYPES) },
          fc.constantFrom('model', 'input', 'content', 'type', 'polluted'),
        ),
        tie('node'),
      ),
      { maxLength: 4 },
    )
    .map((entries) => Object.fromEntries(entries)),
})).node;

/** Content types a client may send by mistake or on purpose. */
export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/xml',
  'application/jsonx',
  '*/*',
  '',
] as const;
