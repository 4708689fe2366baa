import { isRecord } from '../../common/is-record.js';
import type { AnthropicStreamEvent } from '../../protocol/anthropic-messages.types.js';
import type { ChatToolCallDelta } from '../../protocol/chat-completion.types.js';
import {
  absorbToolCallDelta,
  ToolCallDeltaRouter,
} from '../../protocol/tool-call-delta-router.js';
import { newToolCallId } from '../../tool-calls/index.js';
import type { ThinkingSignature } from '../core/thinking-signature.js';
import { toolUseIdFor } from '../core/tool-use-ids.js';

/** Told of a call whose arguments were no JSON object, or that was cut off: its name and their length. */
export type InvalidArgumentsListener = (
  toolName: string,
  length: number,
  /** `invalid`: replaced by `{}`; `cut`: the call was cut short and dropped. */
  outcome: 'invalid' | 'cut',
) => void;

/** One upstream tool call, assembled from its deltas. */
class ToolCall {
  upstreamId: string | undefined;
  name = '';
  arguments = '';
}

/** What waits once a tool call began, in the order it came. */
type Waiting =
  | { kind: 'text' | 'thinking'; text: string }
  | { kind: 'tool'; call: ToolCall };

type OpenBlock = { kind: 'text' } | { kind: 'thinking'; text: string };

type BlockStart = Extract<
  AnthropicStreamEvent,
  { type: 'content_block_start' }
>['content_block'];

type BlockDelta = Extract<
  AnthropicStreamEvent,
  { type: 'content_block_delta' }
>['delta'];

/**
 * Lays a message's content out as Anthropic content blocks: one block open
 * at a time, each kind of content closing the block of another, indexes
 * 0, 1, 2… Text and reasoning stream as they come until a tool call begins.
 * From then on everything waits, in order, until `finish()`: only then are
 * the calls whole (they may arrive interleaved), and each goes out as one
 * tool_use block with its arguments in one input_json_delta. Arguments that
 * are no JSON object (a model's broken JSON) go out as `{}`, since a strict
 * client's stream parser throws on them; a call that never got a name is
 * dropped, as there is nothing to call. A thinking block ends with the
 * signature of its whole text.
 */
export class ContentBlocks {
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  private readonly waiting: Waiting[] = [];
  private readonly toolCalls = new ToolCallDeltaRouter<ToolCall>(
    () => this.newCall(),
    absorbToolCallDelta,
  );
  private toolUseSent = false;

  constructor(
    private readonly emit: (event: AnthropicStreamEvent) => void,
    private readonly signature: ThinkingSignature,
    private readonly onInvalidArguments?: InvalidArgumentsListener,
  ) {}

  /** True once a tool_use block went out. */
  get calledTools(): boolean {
    return this.toolUseSent;
  }

  text(text: string): void {
    this.prose('text', text);
  }

  thinking(text: string): void {
    this.prose('thinking', text);
  }

  toolCall(delta: ChatToolCallDelta): void {
    this.toolCalls.route(delta);
  }

  /**
   * Closes the open block and sends what waited; drops unnamed calls. When
   * the answer was cut short (`max_tokens`, an abort), a call whose
   * arguments are not a whole JSON object is dropped too: it was cut off
   * mid-way, and a client would run it with `{}`.
   */
  finish(cutShort = false): void {
    this.close();
    for (const item of this.waiting.splice(0)) {
      if (item.kind !== 'tool') {
        this.prose(item.kind, item.text);
      } else if (cutShort && !isJsonObject(item.call.arguments)) {
        this.onInvalidArguments?.(
          item.call.name,
          item.call.arguments.length,
          'cut',
        );
      } else if (item.call.name) {
        this.toolUse(item.call);
      }
    }
    this.close();
  }

  private prose(kind: 'text' | 'thinking', text: string): void {
    if (text === '') {
      return;
    }
    if (this.waiting.length > 0) {
      const last = this.waiting.at(-1);
      if (last?.kind === kind) {
        last.text += text;
      } else {
        this.waiting.push({ kind, text });
      }
      return;
    }
    if (this.open?.kind !== kind) {
      this.close();
      this.start(
        kind === 'text'
          ? { type: 'text', text: '' }
          : { type: 'thinking', thinking: '', signature: '' },
      );
      this.open = kind === 'text' ? { kind } : { kind, text: '' };
    }
    if (this.open.kind === 'thinking') {
      this.open.text += text;
      this.delta({ type: 'thinking_delta', thinking: text });
    } else {
      this.delta({ type: 'text_delta', text });
    }
  }

  private newCall(): ToolCall {
    const call = new ToolCall();
    this.waiting.push({ kind: 'tool', call });
    return call;
  }

  /** A whole call as one tool_use block: start, its input, stop. */
  private toolUse(call: ToolCall): void {
    this.close();
    this.toolUseSent = true;
    this.start({
      type: 'tool_use',
      id: toolUseIdFor(call.upstreamId ?? newToolCallId()),
      name: call.name,
      input: {},
    });
    const json = this.inputJsonOf(call);
    if (json !== undefined) {
      this.delta({ type: 'input_json_delta', partial_json: json });
    }
    this.stop();
  }

  /**
   * The input_json_delta of a call: its arguments byte-exact when they are a
   * JSON object, else `{}` (reported); none without arguments, blank ones
   * included (the block's `input` stays `{}`).
   */
  private inputJsonOf(call: ToolCall): string | undefined {
    const json = call.arguments;
    if (json.trim() === '') {
      return undefined;
    }
    if (isJsonObject(json)) {
      return json;
    }
    this.onInvalidArguments?.(call.name, json.length, 'invalid');
    return '{}';
  }

  private start(block: BlockStart): void {
    this.emit({
      type: 'content_block_start',
      index: this.nextIndex,
      content_block: block,
    });
  }

  private delta(delta: BlockDelta): void {
    this.emit({ type: 'content_block_delta', index: this.nextIndex, delta });
  }

  private close(): void {
    const open = this.open;
    if (open === undefined) {
      return;
    }
    if (open.kind === 'thinking') {
      this.delta({
        type: 'signature_delta',
        signature: this.signature.sign(open.text),
      });
    }
    this.open = undefined;
    this.stop();
  }

  private stop(): void {
    this.emit({ type: 'content_block_stop', index: this.nextIndex });
    this.nextIndex += 1;
  }
}

function isJsonObject(json: string): boolean {
  try {
    return isRecord(JSON.parse(json));
  } catch {
    return false;
  }
}
