import {
  errorStatus,
  toOpenAiError,
} from '../../common/errors/gateway.exception.js';
import { namedFrame, type SseFormat } from '../../common/sse/sse-writer.js';
import type { AnthropicStreamEvent } from '../../protocol/anthropic-messages.types.js';
import { anthropicErrorOf } from '../core/anthropic-errors.js';

/**
 * Messages streams: `event: <type>` + `data: <json>` frames, no trailer
 * (the stream ends with message_stop), and a failure midway as an `error`
 * event whose body is the one the same failure gets as an HTTP error.
 */
export const messagesSseFormat: SseFormat<AnthropicStreamEvent> = {
  frame: (event) => namedFrame(event.type, event),
  errorFrame: (exception) =>
    namedFrame(
      'error',
      anthropicErrorOf(
        errorStatus(exception).status,
        toOpenAiError(exception).body.error,
      ),
    ),
};
