import type { ChatToolCallDelta } from '../../protocol/chat-completion.types.js';
import { flatCopy } from '../../common/strings/flat-copy.js';
import type { ItemSink } from './event-log.js';
import { newId } from './ids.js';
import { OutputSegment } from './output.segment.js';
import type {
  ItemStatus,
  ResponseOutputItem,
} from '../../protocol/responses.types.js';
import type { DeclaredTool, ToolNameMap } from './tool-name-map.js';

/**
 * One upstream tool call, as a `function_call` item (fc_…, arguments streamed
 * as function_call_arguments.delta/done) or, for a declared `custom` tool, a
 * `custom_tool_call` item (ctc_…) whose `input` is the `input` string of the
 * JSON arguments, emitted whole when the call ends. Namespaced tools get their
 * own name and `namespace` back.
 */
export class ToolCallSegment extends OutputSegment {
  /** The first non-empty upstream id; becomes `call_id`. */
  upstreamId: string | undefined;
  private chatName = '';
  private args = '';
  private callId = '';
  private declared: DeclaredTool | undefined;

  constructor(private readonly tools: ToolNameMap) {
    super();
  }

  get openable(): boolean {
    return this.chatName !== '';
  }

  /** Takes id/name only when non-empty (backends repeat them); concatenates arguments. */
  absorb(delta: ChatToolCallDelta): void {
    if (delta.id && this.upstreamId === undefined) {
      this.upstreamId = delta.id;
    }
    const name = delta.function?.name;
    if (name && this.chatName === '') {
      this.chatName = name;
    }
    const fragment = delta.function?.arguments;
    if (typeof fragment === 'string' && fragment !== '') {
      this.args += fragment;
      const sink = this.live;
      if (sink !== undefined && !this.isCustom) {
        sink.event('response.function_call_arguments.delta', {
          delta: fragment,
        });
      }
    }
  }

  private get isCustom(): boolean {
    return this.declared?.kind === 'custom';
  }

  private get name(): string {
    return this.declared?.name ?? this.chatName;
  }

  protected override onOpen(): void {
    this.declared = this.tools.get(this.chatName);
    this.callId = this.upstreamId ?? newId('call');
  }

  protected createId(): string {
    return newId(this.isCustom ? 'ctc' : 'fc');
  }

  protected override settle(): void {
    this.args = flatCopy(this.args);
  }

  protected item(
    id: string,
    status: ItemStatus,
    empty: boolean,
  ): ResponseOutputItem {
    const namespace =
      this.declared?.namespace === undefined
        ? {}
        : { namespace: this.declared.namespace };
    if (this.isCustom) {
      return {
        id,
        type: 'custom_tool_call',
        call_id: this.callId,
        name: this.name,
        ...namespace,
        input: empty ? '' : customInput(this.args),
      };
    }
    return {
      id,
      type: 'function_call',
      status,
      call_id: this.callId,
      name: this.name,
      ...namespace,
      arguments: empty ? '' : this.finalArguments,
    };
  }

  // Some backends send no arguments for a parameterless call; clients
  // JSON.parse them, so an empty string becomes `{}`.
  private get finalArguments(): string {
    return this.args === '' ? '{}' : this.args;
  }

  protected replay(sink: ItemSink): void {
    if (!this.isCustom && this.args !== '') {
      sink.event('response.function_call_arguments.delta', {
        delta: this.args,
      });
    }
  }

  protected finishEvents(sink: ItemSink): void {
    if (this.isCustom) {
      const input = customInput(this.args);
      if (input !== '') {
        sink.event('response.custom_tool_call_input.delta', { delta: input });
      }
      sink.event('response.custom_tool_call_input.done', { input });
      return;
    }
    if (this.args === '') {
      sink.event('response.function_call_arguments.delta', {
        delta: this.finalArguments,
      });
    }
    sink.event('response.function_call_arguments.done', {
      name: this.name,
      arguments: this.finalArguments,
    });
  }
}

/** The raw text of a custom tool call: the `input` string of `{"input": …}`. */
function customInput(args: string): string {
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === 'string') {
      return parsed;
    }
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as Record<string, unknown>)['input'] === 'string'
    ) {
      return (parsed as Record<string, string>)['input'] ?? '';
    }
  } catch {
    // Not JSON: the model wrote the input itself.
  }
  return args;
}
