import { toOpenAiError } from '../common/errors/gateway.exception.js';
import { dataFrame, type SseFormat } from '../common/sse/sse-writer.js';
import {
  type ChatStreamItem,
  isVerbatim,
  VerbatimFrames,
} from '../llm-client/decoder/verbatim-chunk.js';

/** Chat Completions streams: `data:` frames, `[DONE]`, errors in-band as OpenAI does. */
export const chatSseFormat: SseFormat<ChatStreamItem> = {
  frame: (item) => {
    if (item instanceof VerbatimFrames) {
      return item.bytes;
    }
    if (isVerbatim(item)) {
      return `data: ${item.json}\n\n`;
    }
    // An unchanged chunk goes out as the upstream wrote it (no second
    // stringify); text spread over several `data:` lines is re-serialised.
    const raw = item.raw;
    return raw !== undefined && !raw.includes('\n')
      ? `data: ${raw}\n\n`
      : dataFrame(item.chunk);
  },
  errorFrame: (error) => dataFrame(toOpenAiError(error).body),
  trailer: 'data: [DONE]\n\n',
};
