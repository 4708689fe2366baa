import { Injectable, Logger } from '@nestjs/common';
import { defer, type Observable } from 'rxjs';
import type { ClientAbort } from '../common/http/client-abort.js';
import { rejection } from '../common/rejection.js';
import type { FlowControl } from '../common/sse/flow-control.js';
import type {
  ChatCompletion,
  ChatCompletionRequest,
} from '../protocol/chat-completion.types.js';
import { LlmClientService } from '../llm-client/llm-client.service.js';
import type { UpstreamCallOptions } from '../llm-client/upstream-call.types.js';
import { keepingUpstreamText } from '../llm-client/decoder/stream-items.js';
import type { StreamLane } from '../llm-client/decoder/stream-lanes.js';
import { textChunkShortcut } from '../llm-client/decoder/text-chunk-shortcut.js';
import {
  UpstreamRouter,
  type RoutedModel,
} from '../llm-client/upstream-router.service.js';
import {
  parseContextOf,
  resolveToolCallFamilies,
  textToolCalls,
  textToolCallsInCompletion,
  type TextToolCallParsing,
  type ToolCallFamily,
} from '../tool-calls/index.js';
import { withFields } from '../common/objects/with-fields.js';

/** Options of one model call. */
export interface ModelCallOptions {
  /** An upstream named in the path (`/{upstream}/v1/...`); else the model routes. */
  upstreamName?: string;
  /** Cancels the upstream request; the client's disconnect feeds it. */
  signal?: AbortSignal;
  /** The client of a JSON answer: its going away cancels too, as `signal` would. */
  clientAbort?: ClientAbort;
  /** Backpressure from the client socket (streaming only). */
  flow?: FlowControl;
  /** Extra upstream request headers, e.g. a forwarded client `authorization`. */
  headers?: Record<string, string>;
  /** false: no text tool-call parsing (`agent_format: passthrough`). */
  textToolCalls?: boolean;
}

/** A routed call: the body to send, how to send it, and the text parsing to apply. */
interface PreparedCall {
  body: ChatCompletionRequest;
  call: UpstreamCallOptions;
  parsing: TextToolCallParsing | undefined;
}

/**
 * The one place the endpoints (and the MCP tool loop) call a model. It
 * routes the request to its upstream (UpstreamRouter), sends the upstream's
 * model id, and, when the request declares tools and the upstream's
 * `toolCallFormat` is not `none`, turns tool calls the model wrote as text
 * into real `tool_calls`. A request without tools is a plain pass-through.
 */
@Injectable()
export class ModelCallService {
  private readonly logger = new Logger(ModelCallService.name);
  private readonly reportedFormats = new Set<string>();

  constructor(
    private readonly llm: LlmClientService,
    private readonly router: UpstreamRouter,
  ) {}

  /**
   * A streamed completion, read as `lane` says (chunkLane for decoded
   * chunks). Routing happens on subscription, so an unknown upstream name is
   * an error before the first item (an HTTP error). When tool calls written
   * as text are parsed, every chunk's content goes through the parser, so
   * the lane's shortcut gives way to the text template's: a chunk the parser
   * lets through unchanged keeps its upstream text.
   */
  stream<R, T>(
    request: ChatCompletionRequest,
    options: ModelCallOptions,
    lane: StreamLane<R, T>,
  ): Observable<T> {
    return defer(() => {
      const { body, call, parsing } = this.prepare(request, options);
      if (parsing !== undefined) {
        return this.llm
          .streamChat(body, call, textChunkShortcut(true))
          .pipe(keepingUpstreamText(textToolCalls(parsing)), lane.operator);
      }
      return this.llm
        .streamChat(body, call, lane.shortcut())
        .pipe(lane.operator);
    });
  }

  /** A non-streamed completion; a routing error rejects, like any other. */
  complete(
    request: ChatCompletionRequest,
    options: ModelCallOptions,
  ): Promise<ChatCompletion> {
    let prepared: PreparedCall;
    try {
      prepared = this.prepare(request, options);
    } catch (error) {
      return rejection(error);
    }
    const { body, call, parsing } = prepared;
    const completion = this.llm.createChatCompletion(body, call);
    return parsing === undefined
      ? completion
      : completion.then((done) => textToolCallsInCompletion(done, parsing));
  }

  private prepare(
    request: ChatCompletionRequest,
    options: ModelCallOptions,
  ): PreparedCall {
    const routed = this.router.route(request.model, options.upstreamName);
    return {
      body:
        routed.model === request.model
          ? request
          : withFields(request, { model: routed.model }),
      call: {
        target: routed.target,
        signal: options.signal,
        clientAbort: options.clientAbort,
        flow: options.flow,
        headers: options.headers,
      },
      parsing:
        options.textToolCalls === false
          ? undefined
          : this.parsingFor(request, routed),
    };
  }

  /** Text tool-call parsing for this request, or undefined when it is off. */
  private parsingFor(
    request: ChatCompletionRequest,
    routed: RoutedModel,
  ): TextToolCallParsing | undefined {
    // With tool_choice "none" the client asked for no calls.
    if (request['tool_choice'] === 'none') {
      return undefined;
    }
    // Only declared tools may become calls: with none, nothing to parse.
    const context = parseContextOf(request.tools);
    if (context.tools.size === 0) {
      return undefined;
    }
    const families = this.familiesFor(routed);
    return families.length === 0 ? undefined : { families, context };
  }

  /** An unknown format is an operator's mistake: reported once, then `auto`. */
  private familiesFor(routed: RoutedModel): readonly ToolCallFamily[] {
    try {
      return resolveToolCallFamilies(routed.toolCallFormat, routed.model);
    } catch (error) {
      const key = `${routed.target.name}\u0000${routed.toolCallFormat}`;
      if (!this.reportedFormats.has(key)) {
        this.reportedFormats.add(key);
        this.logger.error(
          { err: error, upstream: routed.target.name },
          `invalid TOOL_CALL_FORMAT for upstream '${routed.target.name}'; using auto`,
        );
      }
      return resolveToolCallFamilies('auto', routed.model);
    }
  }
}
