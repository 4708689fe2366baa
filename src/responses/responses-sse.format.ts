import {
  type GatewayException,
  toOpenAiError,
} from '../common/errors/gateway.exception.js';
import { namedFrame, type SseFormat } from '../common/sse/sse-writer.js';
import type { ResponseStreamEvent } from '../protocol/responses.types.js';
import { lifecycleEventJson } from './core/response-json.js';
import { ItemDeltaFrames } from './item-delta-frame.js';
import { TextDeltaFrames } from './text-delta-frame.js';
import {
  type ResponseStreamItem,
  TextDeltaRun,
} from './core/text-delta-run.js';
import { jsonText } from '../common/json/json-text.js';

/**
 * Responses streams: `event: <type>` + `data: <json>` frames, then a
 * `data: [DONE]` trailer after the terminal event. OpenAI's own stream has
 * no trailer; Open Responses ends with one, and the official SDKs stop
 * reading at it (Codex skips it), so both kinds of client are served. The
 * error frame is only a last resort: failures mid-stream normally arrive as
 * `response.failed`. One per stream: it keeps the stream's text-delta frame
 * pieces (TextDeltaFrames, ItemDeltaFrames).
 */
export class ResponsesSseFormat implements SseFormat<ResponseStreamItem> {
  readonly trailer = 'data: [DONE]\n\n';
  private readonly textDeltas = new TextDeltaFrames();
  private readonly itemDeltas = new ItemDeltaFrames();

  frame(event: ResponseStreamItem): string | Uint8Array {
    if (event instanceof TextDeltaRun) {
      return this.textDeltas.frameRun(event);
    }
    return (
      this.textDeltas.frame(event) ??
      this.itemDeltas.frame(event) ??
      lifecycleFrame(event) ??
      `event: ${event.type}\ndata: ${jsonText(event)}\n\n`
    );
  }

  errorFrame(
    error: GatewayException,
    lastWritten: ResponseStreamItem | undefined,
  ): string {
    const { error: body } = toOpenAiError(error).body;
    const lastSequence =
      lastWritten instanceof TextDeltaRun
        ? lastWritten.lastSequence
        : lastWritten?.sequence_number;
    return namedFrame('error', {
      type: 'error',
      sequence_number: (lastSequence ?? -1) + 1,
      code: body.code === null ? null : String(body.code),
      message: body.message,
      param: body.param,
    });
  }
}

/** A lifecycle event's frame, its Response's echo written once per response. */
function lifecycleFrame(event: ResponseStreamEvent): string | undefined {
  const json = lifecycleEventJson(event);
  return json === undefined
    ? undefined
    : `event: ${event.type}\ndata: ${json}\n\n`;
}
