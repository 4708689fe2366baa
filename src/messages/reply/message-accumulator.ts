import { lastValueFrom, map, type Observable, reduce } from 'rxjs';
import { isRecord } from '../../common/is-record.js';
import type {
  AnthropicBlockDelta,
  AnthropicMessage,
  AnthropicStreamEvent,
} from '../../protocol/anthropic-messages.types.js';

/**
 * The message a stream of events adds up to: the non-streamed answer,
 * folded as the Anthropic SDKs' MessageStream folds a stream. Rejects when
 * the events fail, or end without a whole message (message_start …
 * message_stop).
 */
export function finalMessage(
  events$: Observable<AnthropicStreamEvent>,
): Promise<AnthropicMessage> {
  return lastValueFrom(
    events$.pipe(
      reduce(
        (accumulator, event) => accumulator.add(event),
        new MessageAccumulator(),
      ),
      map((accumulator) => accumulator.message()),
    ),
  );
}

/** One message being folded from its events; see finalMessage. */
class MessageAccumulator {
  private snapshot: AnthropicMessage | undefined;
  private stopped = false;
  /** The partial_json of each tool_use block, by index, until it stops. */
  private readonly inputs = new Map<number, string>();

  add(event: AnthropicStreamEvent): this {
    if (event.type === 'message_start') {
      if (this.snapshot !== undefined) {
        throw new Error('a second message_start in one message');
      }
      const { message } = event;
      this.snapshot = {
        ...message,
        content: [...message.content],
        usage: { ...message.usage },
      };
      return this;
    }
    const snapshot = this.snapshot;
    if (snapshot === undefined || this.stopped) {
      return this;
    }
    switch (event.type) {
      case 'content_block_start':
        snapshot.content.push({ ...event.content_block });
        break;
      case 'content_block_delta':
        this.applyDelta(snapshot, event.index, event.delta);
        break;
      case 'content_block_stop':
        this.settleInput(snapshot, event.index);
        break;
      case 'message_delta':
        applyMessageDelta(snapshot, event);
        break;
      case 'message_stop':
        this.stopped = true;
        break;
      case 'ping':
        break;
    }
    return this;
  }

  message(): AnthropicMessage {
    const snapshot = this.snapshot;
    if (snapshot === undefined || !this.stopped) {
      throw new Error('the message events ended before message_stop');
    }
    for (const index of this.inputs.keys()) {
      this.settleInput(snapshot, index);
    }
    return snapshot;
  }

  private applyDelta(
    snapshot: AnthropicMessage,
    index: number,
    delta: AnthropicBlockDelta,
  ): void {
    const block = snapshot.content[index];
    if (delta.type === 'text_delta' && block?.type === 'text') {
      snapshot.content[index] = { ...block, text: block.text + delta.text };
    } else if (delta.type === 'thinking_delta' && block?.type === 'thinking') {
      snapshot.content[index] = {
        ...block,
        thinking: block.thinking + delta.thinking,
      };
    } else if (delta.type === 'signature_delta' && block?.type === 'thinking') {
      snapshot.content[index] = { ...block, signature: delta.signature };
    } else if (
      delta.type === 'input_json_delta' &&
      block?.type === 'tool_use'
    ) {
      this.inputs.set(
        index,
        (this.inputs.get(index) ?? '') + delta.partial_json,
      );
    }
  }

  /** A tool_use block's input, from its whole partial_json. */
  private settleInput(snapshot: AnthropicMessage, index: number): void {
    const json = this.inputs.get(index);
    const block = snapshot.content[index];
    if (json === undefined || block?.type !== 'tool_use') {
      return;
    }
    this.inputs.delete(index);
    snapshot.content[index] = { ...block, input: inputOf(json) };
  }
}

function applyMessageDelta(
  snapshot: AnthropicMessage,
  event: Extract<AnthropicStreamEvent, { type: 'message_delta' }>,
): void {
  snapshot.stop_reason = event.delta.stop_reason;
  snapshot.stop_sequence = event.delta.stop_sequence;
  // Output tokens count up; the other counters are whole-message totals,
  // taken when present (as the SDKs do).
  const { usage } = event;
  snapshot.usage = {
    input_tokens: usage.input_tokens ?? snapshot.usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_creation_input_tokens:
      usage.cache_creation_input_tokens ??
      snapshot.usage.cache_creation_input_tokens,
    cache_read_input_tokens:
      usage.cache_read_input_tokens ?? snapshot.usage.cache_read_input_tokens,
  };
}

/**
 * Arguments as a tool_use `input`: `{}` for none, and for text that is no
 * JSON object (a model that wrote broken arguments), which Anthropic's
 * `input` cannot hold.
 */
function inputOf(json: string): Record<string, unknown> {
  if (json === '') {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(json);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}
