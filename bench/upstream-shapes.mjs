/**
 * How two real Chat Completions servers write the same answer, byte for byte
 * where a proxy can tell: the fake upstream renders a reply script (the
 * deltas of one answer) in one of these shapes.
 *
 * - `openai`, the default: OpenAI's own API. Every chunk carries
 *   `service_tier` and `system_fingerprint`; `"usage":null` on every chunk
 *   when the request asked `stream_options.include_usage`, then a usage chunk
 *   with `choices: []` and the token details; and an `obfuscation` string of
 *   random length (padding against length side channels) on every chunk
 *   unless `stream_options.include_obfuscation` is false. The first delta is
 *   `{"role":"assistant","content":"","refusal":null}`. Non-streamed answers
 *   are pretty-printed JSON, as the API sends them. OpenAI's Chat Completions
 *   never streams reasoning, so reasoning deltas of a script are left out.
 * - `vllm`: vLLM's current server (vllm-project/vllm,
 *   entrypoints/openai/chat_completion/serving.py @006c49d4 and protocol.py
 *   @002032ee): pydantic `model_dump_json(exclude_unset=True)`, so no
 *   `"usage":null`, but `"token_ids":null` on every choice, `stop_reason` on
 *   the finish chunk, `prompt_token_ids`/`prompt_text` on the first chunk;
 *   reasoning in `delta.reasoning`; the finish delta is `{"content":""}`; the
 *   usage chunk leaves out every null. Non-streamed answers are compact and
 *   carry every vLLM-only field as null.
 */

const CREATED = 1_700_000_000;
const ALPHANUMERIC =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const FINGERPRINT = 'fp_5b1e0c9a3d';

/** A deterministic pseudo-random string (bodies are built once and cached). */
function pseudoRandom(seed, length, alphabet = ALPHANUMERIC) {
  let state = (seed * 2_654_435_761 + 1) >>> 0;
  let text = '';
  for (let i = 0; i < length; i += 1) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    text += alphabet[(state >>> 16) % alphabet.length];
  }
  return text;
}

/** OpenAI pads each chunk's text to a similar length: 1 to 16 characters here. */
const obfuscationFor = (index) =>
  pseudoRandom(index + 7, 1 + ((index * 7919) % 16));

/** The delta of one script part, in a shape's field names. */
function deltaOf(part, shape) {
  switch (part.kind) {
    case 'role':
      return shape === 'openai'
        ? { role: 'assistant', content: '', refusal: null }
        : { role: 'assistant', content: '' };
    case 'content':
      return { content: part.text };
    case 'reasoning':
      // vLLM closes reasoning with an explicit null content.
      return part.last
        ? { content: null, reasoning: part.text }
        : { reasoning: part.text };
    case 'tool-start':
      return shape === 'openai'
        ? {
            tool_calls: [
              {
                index: part.index,
                id: `call_${pseudoRandom(part.index + 3, 24)}`,
                type: 'function',
                function: { name: part.name, arguments: '' },
              },
            ],
          }
        : {
            tool_calls: [
              {
                id: `chatcmpl-tool-${pseudoRandom(part.index + 3, 32, HEX)}`,
                type: 'function',
                index: part.index,
                function: { name: part.name },
              },
            ],
          };
    case 'tool-arguments':
      return {
        tool_calls: [{ index: part.index, function: { arguments: part.text } }],
      };
    default:
      throw new Error(`unknown script part ${part.kind}`);
  }
}

const usageOf = (tokens, shape) =>
  shape === 'openai'
    ? {
        prompt_tokens: tokens.promptTokens,
        completion_tokens: tokens.completionTokens,
        total_tokens: tokens.promptTokens + tokens.completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      }
    : {
        prompt_tokens: tokens.promptTokens,
        total_tokens: tokens.promptTokens + tokens.completionTokens,
        completion_tokens: tokens.completionTokens,
      };

/** The parts a shape sends: OpenAI's chat API streams no reasoning. */
const partsFor = (script, shape) =>
  shape === 'openai'
    ? script.parts.filter((part) => part.kind !== 'reasoning')
    : script.parts;

function openAiFrames(script, model, { includeUsage, obfuscate }) {
  const head = {
    id: `chatcmpl-${pseudoRandom(1, 29)}`,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
  const chunk = (index, choices, usage) => ({
    ...head,
    choices,
    ...(includeUsage ? { usage } : {}),
    ...(obfuscate ? { obfuscation: obfuscationFor(index) } : {}),
  });
  const choice = (delta, finishReason) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  });
  const parts = partsFor(script, 'openai');
  const chunks = parts.map((part, i) =>
    chunk(i, [choice(deltaOf(part, 'openai'), null)], null),
  );
  chunks.push(chunk(parts.length, [choice({}, script.finishReason)], null));
  if (includeUsage) {
    chunks.push(chunk(parts.length + 1, [], usageOf(script, 'openai')));
  }
  return chunks;
}

function vllmFrames(script, model, { includeUsage }) {
  const head = {
    id: `chatcmpl-${pseudoRandom(2, 32, HEX)}`,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
  };
  const choice = (delta) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: null,
    token_ids: null,
  });
  const [role, ...rest] = script.parts;
  const chunks = [
    {
      ...head,
      choices: [
        {
          index: 0,
          delta: deltaOf(role, 'vllm'),
          logprobs: null,
          finish_reason: null,
        },
      ],
      prompt_token_ids: null,
      prompt_text: null,
    },
    ...rest.map((part) => ({
      ...head,
      choices: [choice(deltaOf(part, 'vllm'))],
    })),
    {
      ...head,
      choices: [
        {
          index: 0,
          delta: { content: '' },
          logprobs: null,
          finish_reason: script.finishReason,
          stop_reason: null,
          token_ids: null,
        },
      ],
    },
  ];
  if (includeUsage) {
    chunks.push({ ...head, choices: [], usage: usageOf(script, 'vllm') });
  }
  return chunks;
}

/**
 * The SSE frames of one streamed answer: one `data:` frame per chunk, then
 * `data: [DONE]`. `options`: { includeUsage, obfuscate }.
 */
export function streamFrames(shape, script, model, options) {
  const chunks =
    shape === 'vllm'
      ? vllmFrames(script, model, options)
      : openAiFrames(script, model, options);
  return [
    ...chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`),
    'data: [DONE]\n\n',
  ];
}

function vllmCompletion(model, text, usage) {
  return JSON.stringify({
    id: `chatcmpl-${pseudoRandom(2, 32, HEX)}`,
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text,
          refusal: null,
          annotations: null,
          audio: null,
          function_call: null,
          reasoning: null,
        },
        logprobs: null,
        finish_reason: 'stop',
        stop_reason: null,
        token_ids: null,
        routed_experts: null,
      },
    ],
    service_tier: null,
    system_fingerprint: null,
    usage: {
      ...usageOf(usage, 'vllm'),
      prompt_tokens_details: null,
      completion_tokens_details: null,
    },
    prompt_logprobs: null,
    prompt_token_ids: null,
    prompt_text: null,
    kv_transfer_params: null,
    ec_transfer_params: null,
    metrics: null,
  });
}

function openAiCompletion(model, text, usage) {
  const completion = {
    id: `chatcmpl-${pseudoRandom(1, 29)}`,
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text,
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usageOf(usage, 'openai'),
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
  return JSON.stringify(completion, null, 2);
}

/** The body of a non-streamed answer holding `text`; `usage`: { promptTokens, completionTokens }. */
export function completionBody(shape, model, text, usage) {
  return shape === 'vllm'
    ? vllmCompletion(model, text, usage)
    : openAiCompletion(model, text, usage);
}
