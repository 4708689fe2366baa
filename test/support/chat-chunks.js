export function chunk(delta, finishReason = null, options = {}) {
  return {
    id: options.id ?? 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: options.created ?? 1_700_000_000,
    model: options.model ?? 'fake-model',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}
export function usageChunk(
  promptTokens = 10,
  completionTokens = 20,
  extra = {},
) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'fake-model',
    choices: [],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      ...extra,
    },
  };
}
/** A text answer split into `pieces`, then a finish chunk and a usage chunk. */
export function textStream(pieces, finishReason = 'stop') {
  return [
    chunk({ role: 'assistant', content: '' }),
    ...pieces.map((piece) => chunk({ content: piece })),
    chunk({}, finishReason),
    usageChunk(),
  ];
}
/** Tool calls streamed the OpenAI way: id+name first, then argument fragments. */
export function toolCallStream(calls, leadingText) {
  const chunks = [chunk({ role: 'assistant', content: leadingText ?? null })];
  calls.forEach((call, index) => {
    chunks.push(
      chunk({
        tool_calls: [
          {
            index,
            id: call.id ?? `call_${index}`,
            type: 'function',
            function: { name: call.name, arguments: '' },
          },
        ],
      }),
    );
    const half = Math.ceil(call.arguments.length / 2);
    for (const part of [
      call.arguments.slice(0, half),
      call.arguments.slice(half),
    ]) {
      if (part) {
        chunks.push(
          chunk({ tool_calls: [{ index, function: { arguments: part } }] }),
        );
      }
    }
  });
  chunks.push(chunk({}, 'tool_calls'), usageChunk());
  return chunks;
}
/** A complete non-streaming chat completion. */
export function completion(message, finishReason = 'stop', options = {}) {
  return {
    id: options.id ?? 'chatcmpl-fake',
    object: 'chat.completion',
    created: options.created ?? 1_700_000_000,
    model: options.model ?? 'fake-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', ...message },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
  };
}
//# sourceMappingURL=chat-chunks.js.map
