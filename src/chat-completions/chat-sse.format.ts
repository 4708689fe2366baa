import { toOpenAiError } from '../common/errors/gateway.exception.js';
import { dataFrame, type SseFormat } from '../common/sse/sse-writer.js';
import { upstreamTextOf } from '../llm-client/chat-sse.parser.js';
import {
  type ChatStreamItem,
  isVerbatim,
} from '../llm-client/verbatim-chunk.js';

/** Chat Completions streams: `data:` frames, `[DONE]`, errors in-band as OpenAI does. */
export const chatSseFormat: SseFormat<ChatStreamItem> = {
  frame: (chunk) => {
    if (isVerbatim(chunk)) {
      return `data: ${chunk.json}\n\n`;
    }
    // An unchanged chunk goes out as the upstream wrote it (no second
    // stringify); text spread over several `data:` lines is re-serialised.
    const text = upstreamTextOf(chunk);
    return text !== undefined && !text.includes('\n')
      ? `data: ${text}\n\n`
      : dataFrame(chunk);
  },
  errorFrame: (error) => dataFrame(toOpenAiError(error).body),
  trailer: 'data: [DONE]\n\n',
};
