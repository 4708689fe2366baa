import { randomBytes } from 'node:crypto';
import type {
  ChatCompletionChunk,
  ChatFinishReason,
  ChatMessage,
  ChatToolCallDelta,
  ChatUsage,
} from '../../protocol/chat-completion.types.js';
import type {
  ServerTool,
  ServerToolCall,
  ServerToolLookup,
} from './tool-loop.types.js';
import {
  absorbToolCallDelta,
  ToolCallDeltaRouter,
} from '../../protocol/tool-call-delta-router.js';

type Choice = ChatCompletionChunk['choices'][number];

/** What one model round produced, once its stream ended. */
export interface ModelTurn {
  /** Calls of server-side tools, in the order the model made them. */
  serverCalls: ServerToolCall[];
  /** How many client tool calls went to the client. */
  clientCallCount: number;
  finishReason: ChatFinishReason | null;
  usage: ChatUsage | null;
  /** The assistant message with every tool call, for the next round. */
  assistantMessage: ChatMessage;
}

interface TrackedCall {
  upstreamId: string | undefined;
  name: string;
  arguments: string;
  /** `pending` until the name is known. */
  kind: 'pending' | 'server' | 'client';
  tool?: ServerTool;
  /** The index the client sees: client calls are numbered from 0. */
  clientIndex: number;
}

/**
 * Filters one model round's chunks so that server-side tool calls never reach
 * the client. Tool-call deltas are held back until the call's name is known:
 * a server tool's call is then withheld entirely, a client tool's call is
 * released (its held deltas merged into one) and streams on, renumbered so
 * the client's calls count from 0. `finish_reason` is taken off every chunk,
 * since only the loop knows which round is the last. Pure, one per round.
 */
export class ToolCallWithholder {
  private readonly calls: TrackedCall[] = [];
  private readonly router = new ToolCallDeltaRouter<TrackedCall>(
    () => this.create(),
    absorbToolCallDelta,
  );
  private clientCalls = 0;
  private content = '';
  private reasoning = '';
  private finishReason: ChatFinishReason | null = null;
  private usage: ChatUsage | null = null;

  constructor(private readonly tools: ServerToolLookup) {}

  /** The chunk as the client may see it, or null when nothing is left of it. */
  push(chunk: ChatCompletionChunk): ChatCompletionChunk | null {
    if (chunk.usage) {
      this.usage = chunk.usage;
    }
    const choices = chunk.choices.map((choice) => this.filter(choice));
    const empty = choices.every(
      (choice) => Object.keys(choice.delta).length === 0,
    );
    if (empty && !chunk.usage) {
      return null;
    }
    return { ...chunk, choices: empty ? [] : choices };
  }

  /** The round's result; call once the model's stream completed. */
  end(): ModelTurn {
    // Calls that never got a name are dropped; the others keep their order.
    const named = this.calls
      .filter((call) => call.kind !== 'pending')
      .map((call) => ({ call, id: call.upstreamId ?? newCallId() }));
    const serverCalls = named.flatMap(({ call, id }) =>
      call.tool === undefined
        ? []
        : [{ id, name: call.name, arguments: call.arguments, tool: call.tool }],
    );
    const assistantMessage: ChatMessage = {
      role: 'assistant',
      content: this.content === '' ? null : this.content,
    };
    if (this.reasoning !== '') {
      assistantMessage.reasoning_content = this.reasoning;
    }
    if (named.length > 0) {
      assistantMessage.tool_calls = named.map(({ call, id }) => ({
        id,
        type: 'function',
        // An empty argument string is not JSON; backends replay it as `{}`.
        function: { name: call.name, arguments: call.arguments || '{}' },
      }));
    }
    return {
      serverCalls,
      clientCallCount: this.clientCalls,
      finishReason: this.finishReason,
      usage: this.usage,
      assistantMessage,
    };
  }

  private filter(choice: Choice): Choice {
    if (choice.index !== 0) {
      return { ...choice, finish_reason: null };
    }
    this.record(choice);
    const { tool_calls: toolCalls, ...rest } = choice.delta;
    const released = (toolCalls ?? []).flatMap((call) => this.route(call));
    const delta =
      released.length > 0 ? { ...rest, tool_calls: released } : rest;
    return { ...choice, delta, finish_reason: null };
  }

  private record(choice: Choice): void {
    const delta = choice.delta;
    if (typeof delta.content === 'string') {
      this.content += delta.content;
    }
    const reasoning = delta.reasoning_content || delta.reasoning;
    if (typeof reasoning === 'string') {
      this.reasoning += reasoning;
    }
    if (choice.finish_reason) {
      this.finishReason = choice.finish_reason;
    }
  }

  /** Feeds one delta to its call; returns what the client may see of it. */
  private route(delta: ChatToolCallDelta): ChatToolCallDelta[] {
    const call = this.router.route(delta);
    if (call.kind === 'pending') {
      return this.classify(call);
    }
    return call.kind === 'client'
      ? [{ ...delta, index: call.clientIndex }]
      : [];
  }

  private classify(call: TrackedCall): ChatToolCallDelta[] {
    if (call.name === '') {
      return [];
    }
    const tool = this.tools.find(call.name);
    if (tool !== undefined) {
      call.kind = 'server';
      call.tool = tool;
      return [];
    }
    call.kind = 'client';
    call.clientIndex = this.clientCalls++;
    return [
      {
        index: call.clientIndex,
        ...(call.upstreamId === undefined ? {} : { id: call.upstreamId }),
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      },
    ];
  }

  private create(): TrackedCall {
    const call: TrackedCall = {
      upstreamId: undefined,
      name: '',
      arguments: '',
      kind: 'pending',
      clientIndex: -1,
    };
    this.calls.push(call);
    return call;
  }
}

function newCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}
