import { describe, expect, it } from 'vitest';
import { contextOverflowMessage } from './context-overflow.js';

const TOO_LONG = 'prompt is too long: 40000 tokens > 32768 maximum';

describe(contextOverflowMessage.name, () => {
  // Each backend's wording as it sends it (test/support/dialects).
  it.each([
    [
      'vLLM (current)',
      "You passed 40000 input tokens and requested 1024 output tokens. However, the model's context length is only 32768 tokens, resulting in a maximum input length of 31744 tokens. Please reduce the length of the input prompt. (parameter=input_tokens, value=40000)",
    ],
    [
      'vLLM (0.9)',
      "This model's maximum context length is 32768 tokens. However, your request has 40000 input tokens. Please reduce the length of the input messages.",
    ],
    [
      'vLLM (old)',
      "This model's maximum context length is 32768 tokens. However, you requested 41024 tokens (40000 in the messages, 1024 in the completion). Please reduce the length of the messages or completion.",
    ],
    [
      'SGLang',
      "The input (40000 tokens) is longer than the model's context length (32768 tokens).",
    ],
    [
      'llama.cpp',
      'request (40000 tokens) exceeds the available context size (32768 tokens), try increasing it',
    ],
    [
      'LM Studio',
      'Input does not fit in context length (40000 > 32768 tokens).',
    ],
    [
      'llama.cpp (old)',
      'The number of tokens to keep from the initial prompt is greater than the context length (n_keep: 40000>= n_ctx: 32768). Try to load the model with a larger context length, or provide a shorter input.',
    ],
  ])('reads a prompt over the window from %s', (_backend, message) => {
    expect(contextOverflowMessage(message)).toBe(TOO_LONG);
  });

  it.each([
    "You passed 1000 input tokens and requested 32000 output tokens. However, the model's context length is only 8192 tokens, resulting in a maximum input length of -23808 tokens.",
    "This model's maximum context length is 8192 tokens. However, you requested 33000 tokens (1000 in the messages, 32000 in the completion). Please reduce the length of the messages or completion.",
    "'max_tokens' or 'max_completion_tokens' is too large: 32000. This model's maximum context length is 8192 tokens and your request has 1000 input tokens (32000 > 8192 - 1000).",
  ])(
    'says max_tokens is the excess when the prompt alone fits: %s',
    (message) => {
      expect(contextOverflowMessage(message)).toBe(
        'input length and `max_tokens` exceed context limit: 1000 + 32000 > 8192, decrease input length or `max_tokens` and try again',
      );
    },
  );

  it("keeps a wording it cannot read after Anthropic's prefix", () => {
    expect(
      contextOverflowMessage(
        'the prompt is longer than the context length currently available to the model',
      ),
    ).toBe(
      'prompt is too long: the prompt is longer than the context length currently available to the model',
    );
  });
});
