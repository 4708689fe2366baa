import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { defer, from, mergeMap, type Observable } from 'rxjs';
import {
  assertModelAllowed,
  type CallerOption,
} from '../auth/access-policy.js';
import { responsesConfig } from '../config/responses.config.js';
import { UpstreamRouter } from '../llm-client/upstream-router.service.js';
import { chunkLane } from '../llm-client/decoder/stream-lanes.js';
import { toChatChunks } from '../mcp/tool-loop/chat-loop-stream.js';
import {
  clientToolNames,
  type McpToolsOption,
  RequestToolset,
  wantsMcpTools,
} from '../mcp/tool-loop/request-toolset.js';
import { ToolLoopService } from '../mcp/tool-loop/tool-loop.service.js';
import {
  ModelCallService,
  type ModelCallOptions,
} from '../model-call/model-call.service.js';
import type {
  AnthropicMessagesRequest,
  AnthropicStreamEvent,
} from '../protocol/anthropic-messages.types.js';
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../protocol/chat-completion.types.js';
import { completionToChunks } from '../protocol/completion-to-chunks.js';
import { newMessageId } from './core/message-id.js';
import { ThinkingSignature } from './core/thinking-signature.js';
import { messageEvents } from './reply/message-events.js';
import { toChatMessages } from './request/messages.mapper.js';
import { toChatRequest } from './request/to-chat-request.js';
import { toChatToolFields } from './request/tools.mapper.js';
import { withoutUnsupportedSampling } from './request/upstream-sampling.js';

// Bounds the log lines of what a request had dropped: its kinds are text
// the client chose.
const MAX_DROPPED_REPORTS = 8;
const MAX_DROPPED_KIND_LENGTH = 80;

/** What makes up a Messages request's prompt (a count_tokens body). */
export type MessagesPrompt = Pick<
  AnthropicMessagesRequest,
  'system' | 'messages' | 'tools' | 'tool_choice'
>;

/** Options of one Messages request. */
export type MessagesOptions = ModelCallOptions & CallerOption & McpToolsOption;

/**
 * `/v1/messages`: an Anthropic Messages request as a chat completion on
 * the same model call as the other endpoints (routing, text tool-call
 * parsing, the gateway's MCP tools run server-side through the one tool
 * loop), its answer as Anthropic's events. A non-streamed request is a
 * non-streamed upstream call read as chunks, so both answers come out of
 * one event machine (messageEvents).
 */
@Injectable()
export class MessagesService {
  private readonly logger = new Logger(MessagesService.name);
  private readonly signature: ThinkingSignature;

  constructor(
    private readonly model: ModelCallService,
    private readonly toolLoop: ToolLoopService,
    private readonly router: UpstreamRouter,
    @Inject(responsesConfig.KEY)
    responses: Pick<ConfigType<typeof responsesConfig>, 'compactionSecret'>,
  ) {
    this.signature = new ThinkingSignature(responses.compactionSecret);
  }

  /**
   * The answer's events; `stream` says how the upstream is called. Checks
   * run at once (a refused model throws here, an HTTP error), the call on
   * subscription.
   */
  events(
    request: AnthropicMessagesRequest,
    options: MessagesOptions & { stream: boolean },
  ): Observable<AnthropicStreamEvent> {
    this.assertCallable(request.model, options);
    const chat = this.chatRequestFor(request, options);
    const context = {
      id: newMessageId(),
      model: request.model,
      signature: this.signature,
      stopSequences: request.stop_sequences ?? [],
      splitThinkTags: true,
      thinking: request.thinking?.display !== 'omitted',
      // The arguments may hold secrets: the tool's name and their length only.
      onInvalidArguments: (
        tool: string,
        length: number,
        outcome: 'invalid' | 'cut',
      ) =>
        this.logger.warn(
          { tool, length },
          outcome === 'cut'
            ? 'the answer was cut short inside a tool call; the call is left out'
            : 'the model wrote tool arguments that are not a JSON object; the client gets {}',
        ),
    };
    const noTools = request.tool_choice?.type === 'none';
    return this.chunks(chat, options, noTools).pipe(messageEvents(context));
  }

  /** An estimate of the prompt's tokens, as `/v1/responses/input_tokens` gives. */
  countTokens(
    request: MessagesPrompt & { model: string },
    options: CallerOption & Pick<ModelCallOptions, 'upstreamName'>,
  ): { input_tokens: number } {
    this.assertCallable(request.model, options);
    const context = this.requestContext();
    const messages = toChatMessages(request, context);
    const { tools } = toChatToolFields(request, context);
    const text = JSON.stringify(messages) + JSON.stringify(tools ?? []);
    return { input_tokens: Math.ceil(text.length / 4) };
  }

  /**
   * The model routes (an unknown upstream name is a 404) and the caller's
   * key may use it (else a 403), before anything else is done.
   */
  private assertCallable(
    model: string,
    {
      tenant,
      upstreamName,
    }: CallerOption & Pick<ModelCallOptions, 'upstreamName'>,
  ): void {
    const route = () => this.router.route(model, upstreamName);
    route();
    assertModelAllowed(tenant, { model, upstreamName }, route);
  }

  private chatRequestFor(
    request: AnthropicMessagesRequest,
    options: MessagesOptions & { stream: boolean },
  ): ChatCompletionRequest {
    const chat = toChatRequest(request, this.requestContext(), {
      stream: options.stream,
    });
    const { target } = this.router.route(request.model, options.upstreamName);
    return withoutUnsupportedSampling(chat, target);
  }

  private chunks(
    chat: ChatCompletionRequest,
    options: MessagesOptions & { stream: boolean },
    noTools: boolean,
  ): Observable<ChatCompletionChunk> {
    const callModel = (body: ChatCompletionRequest) =>
      options.stream
        ? this.model.stream(body, options, chunkLane)
        : defer(() => from(this.model.complete(body, options))).pipe(
            mergeMap((completion) => completionToChunks(completion)),
          );
    const toolset = this.toolsetFor(chat, options, noTools);
    if (!toolset.active) {
      return callModel(chat);
    }
    // A JSON answer's client abort is read only now: no signal otherwise.
    const signal = options.signal ?? options.clientAbort?.signal;
    const loop$ = this.toolLoop.run(
      toolset.addTo(chat),
      toolset,
      callModel,
      signal === undefined ? {} : { signal },
    );
    return toChatChunks(loop$, { includeUsage: true });
  }

  private toolsetFor(
    chat: ChatCompletionRequest,
    options: MessagesOptions,
    noTools: boolean,
  ): RequestToolset {
    // Without custom tools the chat request carries no tool_choice: the
    // client's `none` (noTools) still keeps the gateway's tools out.
    const toolChoice = chat['tool_choice'] ?? (noTools ? 'none' : undefined);
    // Without configured servers there are no tools to offer: no toolset.
    return this.toolLoop.offersConfiguredTools &&
      wantsMcpTools(options.mcpTools, toolChoice)
      ? this.toolLoop.toolset(clientToolNames(chat.tools), undefined, {
          ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
        })
      : new RequestToolset([], []);
  }

  private requestContext() {
    const reported = new Set<string>();
    return {
      signature: this.signature,
      // One line a request for each kind of thing left out, a few at most:
      // the kinds are the client's text (block and tool types).
      dropped: (what: string) => {
        const kind = what.slice(0, MAX_DROPPED_KIND_LENGTH);
        if (reported.size < MAX_DROPPED_REPORTS && !reported.has(kind)) {
          reported.add(kind);
          this.logger.log(`/v1/messages: ${kind} dropped`);
        }
      },
    };
  }
}
