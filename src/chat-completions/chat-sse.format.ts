import { toOpenAiError } from '../common/errors/gateway.exception.js';
import { dataFrame, type SseFormat } from '../common/sse/sse-writer.js';
import type { ChatCompletionChunk } from '../llm-client/chat-completion.types.js';

/** Chat Completions streams: `data:` frames, `[DONE]`, errors in-band as OpenAI does. */
export const chatSseFormat: SseFormat<ChatCompletionChunk> = {
  frame: (chunk) => dataFrame(chunk),
  errorFrame: (error) => dataFrame(toOpenAiError(error).body),
  trailer: 'data: [DONE]\n\n',
};
