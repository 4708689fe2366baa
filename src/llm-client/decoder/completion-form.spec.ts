import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCompletion } from './completion-decoder.js';
import { keepsDecodedForm } from './completion-form.js';

const ABSENT = Symbol('absent');

/** A field's value: mostly `valid`, sometimes absent or one of `others`. */
function value(
  valid: fc.Arbitrary<unknown>,
  ...others: unknown[]
): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 1, arbitrary: fc.constantFrom(ABSENT, ...others) },
  );
}

/** An object of `fields`, those drawn as ABSENT left out. */
function object(
  fields: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record(fields)
    .map((drawn) =>
      Object.fromEntries(Object.entries(drawn).filter(([, v]) => v !== ABSENT)),
    );
}

const count = fc.nat(5000);
const toolCall = object({
  id: value(fc.constantFrom('call_1', 'c2'), '', null),
  type: value(fc.constant('function'), 'tool', null),
  function: value(
    object({
      name: value(fc.constantFrom('f', 'get_weather'), '', null),
      arguments: value(fc.constantFrom('{}', '{"a":1}'), { a: 1 }, null),
    }),
    null,
  ),
});
const message = object({
  role: value(fc.constant('assistant'), null),
  content: value(
    fc.oneof(fc.string(), fc.constant([{ type: 'text', text: 'a' }])),
    null,
  ),
  refusal: value(fc.constantFrom(null, 'no'), 1),
  reasoning_content: fc.constantFrom(ABSENT, null, 'think'),
  reasoning: fc.constantFrom(ABSENT, null, 'think'),
  tool_calls: fc.oneof(
    { weight: 3, arbitrary: fc.constant(ABSENT) },
    {
      weight: 2,
      arbitrary: fc.array(toolCall, { minLength: 1, maxLength: 2 }),
    },
    { weight: 1, arbitrary: fc.constantFrom(null, []) },
  ),
  annotations: fc.constantFrom(ABSENT, []),
});
const choice = object({
  index: value(fc.nat(3), null, '0'),
  message: value(message, null, 'text'),
  finish_reason: value(
    fc.constantFrom('stop', 'length', 'tool_calls'),
    '',
    null,
  ),
  logprobs: fc.constantFrom(ABSENT, null),
  stop_reason: fc.constantFrom(ABSENT, null),
});
const details = (name: string) =>
  value(object({ [name]: value(count, null, '1'), audio_tokens: count }), null);
const usage = object({
  prompt_tokens: value(count, null, '3'),
  completion_tokens: value(count, null),
  total_tokens: value(count, null),
  prompt_tokens_details: details('cached_tokens'),
  completion_tokens_details: details('reasoning_tokens'),
  reasoning_tokens: fc.constantFrom(ABSENT, ABSENT, 2, null),
});
const upstreamCompletion = object({
  id: value(fc.constantFrom('chatcmpl-1', ''), null, 7),
  object: value(fc.constant('chat.completion'), 'error', 'chat.completion.x'),
  created: value(fc.nat(), null, '1'),
  model: value(fc.constantFrom('m', 'gpt-4o'), null),
  choices: value(fc.array(choice, { maxLength: 2 }), null, 'x'),
  usage: value(usage, null),
  error: fc.constantFrom(ABSENT, ABSENT, ABSENT, null),
  service_tier: fc.constantFrom(ABSENT, 'default'),
  system_fingerprint: fc.constantFrom(ABSENT, null, 'fp_1'),
});

const decode = (raw: Record<string, unknown>) =>
  decodeCompletion(raw, 'u', (what) => new Error(what));

/** An object as JSON says it: key order and undefined fields aside. */
const asJson = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value)) as unknown;

describe(keepsDecodedForm.name, () => {
  it('is true only where the decoder changes nothing that JSON would show', () => {
    let kept = 0;
    fc.assert(
      fc.property(upstreamCompletion, (raw) => {
        const parsed = asJson(raw) as Record<string, unknown>;
        if (!keepsDecodedForm(parsed)) {
          return;
        }
        kept += 1;
        const before = asJson(parsed);
        expect(asJson(decode(parsed))).toStrictEqual(before);
      }),
      { numRuns: 3000 },
    );
    // The property means something only if the kept branch is common.
    expect(kept).toBeGreaterThan(100);
  });

  it("keeps OpenAI's own completion, and not vLLM's (its nulls are dropped)", () => {
    const openAi = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello.',
            refusal: null,
            annotations: [],
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 5,
        total_tokens: 17,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: null,
    };
    expect(keepsDecodedForm(openAi)).toBe(true);
    const vllm = {
      ...openAi,
      usage: {
        prompt_tokens: 12,
        completion_tokens: 5,
        total_tokens: 17,
        prompt_tokens_details: null,
      },
    };
    expect(keepsDecodedForm(vllm)).toBe(false);
  });

  it('does not keep a stop with tool calls, which the decoder renames', () => {
    const call = {
      id: 'c',
      type: 'function',
      function: { name: 'f', arguments: '{}' },
    };
    const withCalls = (finish: string) => ({
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [call],
          },
          finish_reason: finish,
        },
      ],
    });
    expect(keepsDecodedForm(withCalls('tool_calls'))).toBe(true);
    expect(keepsDecodedForm(withCalls('stop'))).toBe(false);
  });
});
