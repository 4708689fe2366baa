import {
  TextDelta,
  type TextRun,
} from '../../llm-client/decoder/stream-items.js';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { choiceZeroOf } from './choice-zero.js';
import { EventLog } from './event-log.js';
import {
  McpApprovalRequestSegment,
  McpCallSegment,
  type McpCallOutcome,
  type McpCallSpec,
  type McpListedTool,
  McpListToolsSegment,
} from './mcp-items.segment.js';
import { ModelRound } from './model-round.js';
import { rememberEcho } from './response-json.js';
import { OutputTimeline } from './output-timeline.js';
import type { OutputSegment } from './output.segment.js';
import { reasoningFormOf } from './reasoning.segment.js';
import {
  buildResponse,
  initialState,
  privateEcho,
  type ResponseEcho,
  type ResponseState,
} from './response-snapshot.js';
import type {
  CreateResponseRequest,
  ItemStatus,
  ResponseObject,
  ResponseStreamEvent,
  ResponseUsage,
} from '../../protocol/responses.types.js';
import type { ToolNameMap } from './tool-name-map.js';
import type { ResponseStreamItem } from './text-delta-run.js';
import { addResponseUsage, toResponseUsage } from './usage.mapper.js';

export { completionToChunks } from '../../protocol/completion-to-chunks.js';
export type { McpCallOutcome, McpCallSpec, McpListedTool };

/** What a response starts from. */
export interface ResponseSeed {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  request: CreateResponseRequest;
  tools: ToolNameMap;
  previousResponseId?: string | null;
  /** Whose echo it is (the caller's tenant): see internedTools. */
  echoScope?: string;
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
 *
 * When the gateway runs MCP tools, one response spans several model rounds:
 * `mcpListTools()` first, `mcpCallStarted()`/`mcpCallFinished()` (or
 * `mcpApprovalRequest()`) after a round, `newRound()` before the next
 * round's chunks. Output and usage add up over the rounds.
 */
export class ResponseEventMachine {
  private readonly log = new EventLog();
  private readonly echo: ResponseEcho;
  private readonly state: ResponseState;
  private readonly timeline: OutputTimeline;
  private round: ModelRound;
  /** Usage of the rounds before this one. */
  private earlierUsage: ResponseUsage | null = null;
  private readonly mcpCalls = new Map<string, McpCallSegment>();
  private started = false;
  private ended = false;
  /** The terminal event's Response, once it is out. */
  private final: ResponseObject | undefined;

  constructor(private readonly seed: ResponseSeed) {
    this.echo = privateEcho(
      seed.request,
      seed.previousResponseId,
      seed.echoScope,
    );
    this.timeline = new OutputTimeline(
      this.log,
      reasoningFormOf(seed.request.reasoning),
    );
    this.round = this.newModelRound();
    this.state = initialState(seed.id, seed.createdAt);
  }

  /** `response.created` then `response.in_progress`; [] when already started. */
  start(): ResponseStreamEvent[] {
    this.ensureStarted();
    return this.log.drain();
  }

  /**
   * The events one upstream chunk produces (choice 0 only). A TextDelta (the
   * text lane) stands for a chunk whose choice 0 holds only that content,
   * and gives exactly the events that chunk would.
   */
  onChunk(item: ChatCompletionChunk | TextDelta): ResponseStreamEvent[] {
    this.ensureStarted();
    if (!this.ended) {
      if (item instanceof TextDelta) {
        this.round.appendText(item.text);
      } else {
        this.absorb(item);
      }
      this.timeline.pump('completed');
    }
    return this.log.drain();
  }

  /**
   * The events of a TextRun's chunks fed one by one (onChunk), with each
   * unbroken series of text deltas of one part as a TextDeltaRun: the same
   * events once taken apart (expandTextRuns).
   */
  onTextRun(run: TextRun): ResponseStreamItem[] {
    this.ensureStarted();
    if (!this.ended) {
      this.log.withRuns(() => this.appendTexts(run.texts));
    }
    return this.log.drainItems();
  }

  /**
   * Texts one by one, as onChunk takes them, until the rest continues an
   * open output_text part: those go in at once (ModelRound.continueText),
   * the same deltas without the routing and pump of each text, which were
   * ~300 instructions a text (callgrind).
   */
  private appendTexts(texts: readonly string[]): void {
    for (let at = 0; at < texts.length; at++) {
      if (this.round.continueText(texts, at)) {
        return;
      }
      this.round.appendText(texts[at] as string);
      this.timeline.pump('completed');
    }
  }

  /**
   * Ends the model round: closes its items and resets what is counted per
   * round (tool-call indexes, `<think>` splitting, finish_reason). Output and
   * usage keep adding up. Call it before the next round's first chunk.
   */
  newRound(): ResponseStreamEvent[] {
    return this.whileRunning(() => {
      this.closeAll('completed');
      this.round = this.newModelRound();
      this.earlierUsage = this.state.usage;
    });
  }

  /** An `mcp_list_tools` item naming one server's tools; call before any chunk. */
  mcpListTools(
    serverLabel: string,
    tools: readonly McpListedTool[],
    error?: string,
  ): ResponseStreamEvent[] {
    return this.addOwnItem(new McpListToolsSegment(serverLabel, tools, error));
  }

  /** Opens the `mcp_call` item of a call the gateway runs now; `key` names it for mcpCallFinished. */
  mcpCallStarted(key: string, spec: McpCallSpec): ResponseStreamEvent[] {
    const segment = new McpCallSegment(spec);
    this.mcpCalls.set(key, segment);
    return this.addOwnItem(segment);
  }

  /** Closes the `mcp_call` item `key` with the tool's output or error. */
  mcpCallFinished(key: string, outcome: McpCallOutcome): ResponseStreamEvent[] {
    return this.whileRunning(() => {
      this.mcpCalls.get(key)?.finish(outcome);
      this.timeline.pump('completed');
    });
  }

  /** An `mcp_approval_request` item: the call waits for the user's decision. */
  mcpApprovalRequest(spec: McpCallSpec): ResponseStreamEvent[] {
    return this.addOwnItem(new McpApprovalRequestSegment(spec));
  }

  /**
   * Closes every item, then emits the one terminal event: `response.completed`,
   * or `response.incomplete` for finish_reason `length` (max_output_tokens) or
   * `content_filter`. Call it after the upstream's last chunk, so usage is in.
   * `finishReason` overrides the last chunk's (the tool loop's final reason).
   */
  finish(finishReason?: string): ResponseStreamEvent[] {
    this.ensureStarted();
    if (this.ended) {
      return this.log.drain();
    }
    const last = finishReason ?? this.round.finishReason;
    const reason =
      last === 'length'
        ? 'max_output_tokens'
        : last === 'content_filter'
          ? 'content_filter'
          : null;
    this.closeAll(reason === null ? 'completed' : 'incomplete');
    if (reason === null) {
      this.state.status = 'completed';
      this.state.completedAt =
        this.seed.now?.() ?? Math.floor(Date.now() / 1000);
      this.emitTerminal('response.completed');
    } else {
      this.state.status = 'incomplete';
      this.state.incompleteReason = reason;
      this.emitTerminal('response.incomplete');
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
    this.emitTerminal('response.failed');
    return this.log.drain();
  }

  /**
   * Closes open items as incomplete, then ends a cancelled background
   * response: status `cancelled`, no error. The spec has no cancelled event,
   * so its terminal event is `response.failed` carrying that status.
   * [] once terminated.
   */
  cancel(): ResponseStreamEvent[] {
    if (this.ended) {
      return [];
    }
    this.ensureStarted();
    this.closeAll('incomplete');
    this.state.status = 'cancelled';
    this.emitTerminal('response.failed');
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

  /**
   * The Response as it stands: a new object on every call, sharing only
   * what never changes, the echo (a private copy of the request's
   * settings) and the items already closed. Once the terminal event is out,
   * the final Response: that event's own, so that the store and the event
   * write one Response, once (responseJson). Neither the machine nor its
   * callers mutate what it handed out (a test holds it to that), so no deep
   * copy is needed.
   */
  get response(): ResponseObject {
    if (this.final !== undefined) {
      return this.final;
    }
    const output = this.timeline.snapshot();
    return buildResponse(this.echo, { ...this.state, output });
  }

  /** The response id, without building a snapshot. */
  get id(): string {
    return this.state.id;
  }

  // The other entry points start the stream themselves, so that
  // response.created is always the first event.
  private ensureStarted(): void {
    if (!this.started) {
      this.started = true;
      // Nothing changes between the two events: one snapshot serves both.
      const response = this.eventSnapshot();
      this.log.emit('response.created', { response });
      this.log.emit('response.in_progress', { response });
    }
  }

  /** Takes in a chunk's usage and its choice 0. */
  private absorb(chunk: ChatCompletionChunk): void {
    if (chunk.usage) {
      this.state.usage = addResponseUsage(
        this.earlierUsage,
        toResponseUsage(chunk.usage),
      );
    }
    const choice = choiceZeroOf(chunk);
    if (choice !== undefined) {
      this.round.absorb(choice);
    }
  }

  /** An item of the gateway's own, after every earlier item closed. */
  private addOwnItem(segment: OutputSegment): ResponseStreamEvent[] {
    return this.whileRunning(() => {
      this.round.flush();
      this.timeline.addAfterAll(segment, 'completed');
    });
  }

  /** Runs `change` unless the response ended; returns the events. */
  private whileRunning(change: () => void): ResponseStreamEvent[] {
    this.ensureStarted();
    if (!this.ended) {
      change();
    }
    return this.log.drain();
  }

  private newModelRound(): ModelRound {
    return new ModelRound(
      this.timeline,
      this.seed.tools,
      this.seed.splitThinkTags !== false,
    );
  }

  /** A terminal event carrying the final Response. */
  private emitTerminal(type: string): void {
    this.ended = true;
    this.final = this.eventSnapshot();
    this.log.emit(type, { response: this.final });
  }

  /**
   * A snapshot for a lifecycle event, whose frame writes the echo's JSON
   * once per response (rememberEcho). Only these: a Response kept for
   * longer (a store's) would keep that JSON alive with it. The final one,
   * which a store keeps, lets go of its echo once written (responseJson).
   */
  private eventSnapshot(): ResponseObject {
    const response = this.response;
    rememberEcho(response, this.echo);
    return response;
  }

  private closeAll(status: ItemStatus): void {
    this.round.flush();
    this.timeline.sealAll();
    this.timeline.pump(status);
  }
}
