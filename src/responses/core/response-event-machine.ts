import type { ChatCompletionChunk } from '../../llm-client/chat-completion.types.js';
import { EventLog } from './event-log.js';
import { MessageSegment, type MessagePartKind } from './message.segment.js';
import type { OutputSegment } from './output.segment.js';
import { ReasoningSegment } from './reasoning.segment.js';
import {
  buildResponse,
  type ResponseEcho,
  type ResponseState,
  responseEcho,
} from './response-snapshot.js';
import type {
  CreateResponseRequest,
  ItemStatus,
  ResponseObject,
  ResponseStreamEvent,
} from './responses.types.js';
import { type ThinkSegment, ThinkTagSplitter } from './think-tag-splitter.js';
import { ToolCallRouter } from './tool-call-router.js';
import { ToolCallSegment } from './tool-call.segment.js';
import type { ToolNameMap } from './tool-name-map.js';
import { toResponseUsage } from './usage.mapper.js';

export { completionToChunks } from './completion-to-chunks.js';

/** What a response starts from. */
export interface ResponseSeed {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  request: CreateResponseRequest;
  tools: ToolNameMap;
  previousResponseId?: string | null;
  /** Split `<think>…</think>` at the start of content into reasoning (default true). */
  splitThinkTags?: boolean;
  /** Unix seconds now, for `completed_at` (default: the system clock). */
  now?: () => number;
}

/**
 * Turns a chat completion stream into Responses stream events (§3, §11):
 * `response.created` (sequence 0) and `response.in_progress`, then each
 * output item opened, streamed and closed before the next one (reasoning
 * first, then the message, then tool calls in upstream order), then exactly
 * one terminal event from `finish()` or `fail()`. No I/O and no timers: the
 * caller feeds chunks and sends keepalives.
 */
export class ResponseEventMachine {
  private readonly log = new EventLog();
  private readonly echo: ResponseEcho;
  private readonly state: ResponseState;
  private readonly segments: OutputSegment[] = [];
  /** Index in `segments` of the first item not closed yet (= its output_index). */
  private head = 0;
  private readonly toolCalls: ToolCallRouter;
  private readonly splitter: ThinkTagSplitter | undefined;
  private finishReason: string | null = null;
  private started = false;
  private ended = false;

  constructor(private readonly seed: ResponseSeed) {
    this.echo = responseEcho(seed.request, seed.previousResponseId);
    this.toolCalls = new ToolCallRouter(() => {
      const segment = new ToolCallSegment(seed.tools);
      this.addSegment(segment);
      return segment;
    });
    this.splitter =
      seed.splitThinkTags === false ? undefined : new ThinkTagSplitter();
    this.state = {
      id: seed.id,
      createdAt: seed.createdAt,
      status: 'in_progress',
      completedAt: null,
      error: null,
      incompleteReason: null,
      output: [],
      usage: null,
    };
  }

  /** `response.created` then `response.in_progress`; [] when already started. */
  start(): ResponseStreamEvent[] {
    this.ensureStarted();
    return this.log.drain();
  }

  /** The events one upstream chunk produces (choice 0 only). */
  onChunk(chunk: ChatCompletionChunk): ResponseStreamEvent[] {
    this.ensureStarted();
    if (this.ended) {
      return this.log.drain();
    }
    if (chunk.usage) {
      this.state.usage = toResponseUsage(chunk.usage);
    }
    const choice =
      chunk.choices.find((candidate) => candidate.index === 0) ??
      chunk.choices[0];
    if (choice !== undefined) {
      const delta = choice.delta;
      // Prefer `reasoning_content` (DeepSeek, older vLLM) over `reasoning` (vLLM ≥0.11, Ollama).
      const reasoning = delta.reasoning_content || delta.reasoning;
      if (typeof reasoning === 'string') {
        this.appendReasoning(reasoning);
      }
      if (typeof delta.content === 'string') {
        this.appendContent(delta.content);
      }
      if (typeof delta.refusal === 'string') {
        this.appendMessage('refusal', delta.refusal);
      }
      for (const call of delta.tool_calls ?? []) {
        this.toolCalls.route(call);
      }
      if (choice.finish_reason) {
        this.finishReason = choice.finish_reason;
      }
    }
    this.pump('completed');
    return this.log.drain();
  }

  /**
   * Closes every item, then emits the one terminal event: `response.completed`,
   * or `response.incomplete` for finish_reason `length` (max_output_tokens) or
   * `content_filter`. Call it after the upstream's last chunk, so usage is in.
   */
  finish(): ResponseStreamEvent[] {
    this.ensureStarted();
    if (this.ended) {
      return this.log.drain();
    }
    const reason =
      this.finishReason === 'length'
        ? 'max_output_tokens'
        : this.finishReason === 'content_filter'
          ? 'content_filter'
          : null;
    this.closeAll(reason === null ? 'completed' : 'incomplete');
    if (reason === null) {
      this.state.status = 'completed';
      this.state.completedAt =
        this.seed.now?.() ?? Math.floor(Date.now() / 1000);
      this.emitLifecycle('response.completed');
    } else {
      this.state.status = 'incomplete';
      this.state.incompleteReason = reason;
      this.emitLifecycle('response.incomplete');
    }
    return this.log.drain();
  }

  /** Closes open items as incomplete, then `response.failed`; [] once terminated. */
  fail(error: { code: string; message: string }): ResponseStreamEvent[] {
    if (this.ended) {
      return [];
    }
    this.ensureStarted();
    this.closeAll('incomplete');
    this.state.status = 'failed';
    this.state.error = { code: error.code, message: error.message };
    this.emitLifecycle('response.failed');
    return this.log.drain();
  }

  /** `{type:'keepalive', sequence_number}`: resets idle timers such as Codex's. */
  keepalive(): ResponseStreamEvent {
    return this.log.create('keepalive', {});
  }

  /** Whether the terminal event has been emitted. */
  get terminated(): boolean {
    return this.ended;
  }

  /** The Response as it stands; the final Response after finish()/fail(). */
  get response(): ResponseObject {
    const output = this.segments
      .slice(0, this.head + 1)
      .filter((segment) => segment.opened)
      .map((segment) => segment.snapshot());
    // A copy: lifecycle events carry it and clients replace their snapshot with it.
    return structuredClone(buildResponse(this.echo, { ...this.state, output }));
  }

  // The other entry points start the stream themselves, so that
  // response.created is always the first event.
  private ensureStarted(): void {
    if (!this.started) {
      this.started = true;
      this.emitLifecycle('response.created');
      this.emitLifecycle('response.in_progress');
    }
  }

  private emitLifecycle(type: string): void {
    if (type !== 'response.created' && type !== 'response.in_progress') {
      this.ended = true;
    }
    this.log.emit(type, { response: this.response });
  }

  private appendReasoning(text: string): void {
    if (text === '') {
      return;
    }
    const last = this.segments.at(-1);
    if (last instanceof ReasoningSegment && !last.sealed) {
      last.append(text);
      return;
    }
    const segment = new ReasoningSegment();
    this.addSegment(segment);
    segment.append(text);
  }

  private appendContent(text: string): void {
    if (this.splitter === undefined) {
      this.appendMessage('output_text', text);
    } else {
      this.appendSplit(this.splitter.push(text));
    }
  }

  private appendSplit(pieces: ThinkSegment[]): void {
    for (const piece of pieces) {
      if (piece.kind === 'reasoning') {
        this.appendReasoning(piece.text);
      } else {
        this.appendMessage('output_text', piece.text);
      }
    }
  }

  private appendMessage(kind: MessagePartKind, text: string): void {
    if (text === '') {
      return;
    }
    const last = this.segments.at(-1);
    if (last instanceof MessageSegment && !last.sealed) {
      last.append(kind, text);
      return;
    }
    const segment = new MessageSegment();
    this.addSegment(segment);
    segment.append(kind, text);
  }

  // Text and reasoning after another item start a new item; tool calls stay
  // open until the end, because their arguments are routed by index and may
  // come interleaved.
  private addSegment(segment: OutputSegment): void {
    const last = this.segments.at(-1);
    if (last !== undefined && !(last instanceof ToolCallSegment)) {
      last.sealed = true;
    }
    this.segments.push(segment);
  }

  private closeAll(status: ItemStatus): void {
    this.appendSplit(this.splitter?.flush() ?? []);
    for (const segment of this.segments) {
      segment.sealed = true;
    }
    this.pump(status);
  }

  /** Opens and closes items in order, as far as the data allows. */
  private pump(closeStatus: ItemStatus): void {
    while (this.head < this.segments.length) {
      const segment = this.segments[this.head];
      if (segment === undefined) {
        return;
      }
      if (!segment.opened) {
        if (!segment.openable) {
          if (!segment.sealed) {
            return;
          }
          // Nothing worth an item (whitespace, a call without a name): dropped.
          this.segments.splice(this.head, 1);
          continue;
        }
        segment.open(this.log, this.head);
      }
      if (!segment.sealed) {
        return;
      }
      segment.close(closeStatus);
      this.head += 1;
    }
  }
}
