import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  filter,
  from,
  lastValueFrom,
  map,
  mergeMap,
  type Observable,
  toArray,
} from 'rxjs';
import {
  chatRequestFor,
  chunksFor,
  completionFor,
  modelOptionsFor,
} from '../agent-format/agent-format.pipeline.js';
import {
  assertModelAllowed,
  type CallerOption,
} from '../auth/access-policy.js';
import type { AgentFormat } from '../config/agent-format-setting.js';
import {
  requestAgentFormat,
  type ToolCallFormatOption,
  withoutAgentFormat,
} from '../agent-format/request-agent-format.js';
import { upstreamsConfig } from '../config/upstreams.config.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../protocol/chat-completion.types.js';
import {
  toChatChunks,
  toChatCompletion,
} from '../mcp/tool-loop/chat-loop-stream.js';
import {
  clientToolNames,
  type McpToolsOption,
  RequestToolset,
  wantsMcpTools,
} from '../mcp/tool-loop/request-toolset.js';
import {
  gatewayChunk,
  keepingUpstreamText,
  type UpstreamChunk,
} from '../llm-client/decoder/stream-items.js';
import {
  chunkLane,
  passThroughLane,
  upstreamChunkLane,
} from '../llm-client/decoder/stream-lanes.js';
import {
  type ChatStreamItem,
  isVerbatim,
} from '../llm-client/decoder/verbatim-chunk.js';
import { ToolLoopService } from '../mcp/tool-loop/tool-loop.service.js';
import { UpstreamRouter } from '../llm-client/upstream-router.service.js';
import {
  ModelCallService,
  type ModelCallOptions,
} from '../model-call/model-call.service.js';
import { completionToChunks } from '../protocol/completion-to-chunks.js';

/** Options of one chat completion request. */
export type ChatCompletionOptions = ModelCallOptions &
  CallerOption &
  McpToolsOption &
  ToolCallFormatOption;

/**
 * /v1/chat/completions: the upstream's answer, routed by ModelCallService,
 * with tool calls written as text turned into real ones when tools are declared.
 * When MCP servers offer tools, they are added to the request and the shared
 * tool loop runs their calls server-side: the client sees one completion
 * (one stream) and only its own tool calls. An agent format
 * (`agent_format`, `x-tool-call-format`, DEFAULT_TOOL_CALL_TAGS) then
 * decides how those calls reach the client.
 */
@Injectable()
export class ChatCompletionsService {
  constructor(
    private readonly model: ModelCallService,
    private readonly toolLoop: ToolLoopService,
    @Inject(upstreamsConfig.KEY)
    private readonly upstreams: Pick<
      ConfigType<typeof upstreamsConfig>,
      'defaultAgentFormat'
    >,
    private readonly router: UpstreamRouter,
  ) {}

  complete(
    request: ChatCompletionRequest,
    options: ChatCompletionOptions,
  ): Promise<ChatCompletion> {
    this.assertModelAllowed(request, options);
    const format = this.formatOf(request, options);
    const completion = this.completeWith(
      chatRequestFor(withoutAgentFormat(request), format),
      modelOptionsFor(options, format),
    );
    // Only a text format rewrites the completion: no further step otherwise.
    return format.kind === 'tags'
      ? completion.then((done) => completionFor(done, format))
      : completion;
  }

  stream(
    request: ChatCompletionRequest,
    options: ChatCompletionOptions,
  ): Observable<ChatStreamItem> {
    this.assertModelAllowed(request, options);
    const format = this.formatOf(request, options);
    const chatRequest = chatRequestFor(withoutAgentFormat(request), format);
    const modelOptions = modelOptionsFor(options, format);
    const toolset = this.toolsetFor(chatRequest, options);
    if (toolset.active) {
      return this.toolLoopStream(chatRequest, modelOptions, toolset).pipe(
        chunksFor(format),
        map(gatewayChunk),
      );
    }
    if (format.kind === 'tags') {
      // Chunks the tag rewriter lets through unchanged keep their text.
      return this.ownStream(chatRequest, modelOptions).pipe(
        keepingUpstreamText(chunksFor(format)),
      );
    }
    return this.passThrough(chatRequest, modelOptions);
  }

  /** A model the caller's key may not use is a 403 before any upstream call. */
  private assertModelAllowed(
    request: ChatCompletionRequest,
    { tenant, upstreamName }: ChatCompletionOptions,
  ): void {
    assertModelAllowed(tenant, { model: request.model, upstreamName }, () =>
      this.router.route(request.model, upstreamName),
    );
  }

  private formatOf(
    request: ChatCompletionRequest,
    options: ToolCallFormatOption,
  ): AgentFormat {
    return requestAgentFormat(
      request['agent_format'],
      options.toolCallFormat,
      this.upstreams.defaultAgentFormat,
    );
  }

  private completeWith(
    request: ChatCompletionRequest,
    options: ChatCompletionOptions,
  ): Promise<ChatCompletion> {
    const toolset = this.toolsetFor(request, options);
    if (!toolset.active) {
      return this.model.complete(request, options);
    }
    // The same loop as a stream: each round's completion as chunks.
    const loopSignal = options.signal ?? options.clientAbort?.signal;
    const loop$ = this.toolLoop.run(
      toolset.addTo(request),
      toolset,
      (body) =>
        from(this.model.complete(body, options)).pipe(
          mergeMap((completion) => completionToChunks(completion)),
        ),
      loopSignal === undefined ? {} : { signal: loopSignal },
    );
    return lastValueFrom(
      toChatChunks(loop$, { includeUsage: true }).pipe(toArray()),
    ).then(toChatCompletion);
  }

  /**
   * The upstream's stream as it is: most chunks go out verbatim, unparsed.
   * The upstream call always asks for usage; it is dropped here unless the
   * client asked too.
   */
  private passThrough(
    request: ChatCompletionRequest,
    options: ChatCompletionOptions,
  ): Observable<ChatStreamItem> {
    const wantsUsage = request.stream_options?.include_usage === true;
    const items$ = this.model.stream(
      request,
      options,
      passThroughLane(wantsUsage),
    );
    return wantsUsage ? items$ : withoutUsage(items$);
  }

  /** The upstream's chunks with their text, for a step that rewrites some (tool calls as tags). */
  private ownStream(
    request: ChatCompletionRequest,
    options: ChatCompletionOptions,
  ): Observable<UpstreamChunk> {
    const wantsUsage = request.stream_options?.include_usage === true;
    const pairs$ = this.model.stream(request, options, upstreamChunkLane);
    return wantsUsage ? pairs$ : withoutUsage(pairs$);
  }

  /** The MCP tool loop's rounds as one continuous chunk stream. */
  private toolLoopStream(
    request: ChatCompletionRequest,
    options: ChatCompletionOptions,
    toolset: RequestToolset,
  ): Observable<ChatCompletionChunk> {
    const wantsUsage = request.stream_options?.include_usage === true;
    const loop$ = this.toolLoop.run(toolset.addTo(request), toolset, (body) =>
      this.model.stream(body, options, chunkLane),
    );
    return toChatChunks(loop$, { includeUsage: wantsUsage });
  }

  private toolsetFor(
    request: ChatCompletionRequest,
    options: McpToolsOption & CallerOption,
  ): RequestToolset {
    // A chat request has no hosted servers: without configured ones, no tools.
    return this.toolLoop.offersConfiguredTools &&
      wantsMcpTools(options.mcpTools, request['tool_choice'])
      ? this.toolLoop.toolset(clientToolNames(request.tools), undefined, {
          ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
        })
      : new RequestToolset([], []);
  }
}

/** Removes what `include_usage` added when the client did not ask for it. */
function withoutUsage<T extends ChatStreamItem>(
  items$: Observable<T>,
): Observable<T | UpstreamChunk> {
  return items$.pipe(
    filter(
      (item) =>
        isVerbatim(item) ||
        !(item.chunk.choices.length === 0 && item.chunk.usage),
    ),
    map((item) => {
      if (isVerbatim(item) || !('usage' in item.chunk)) {
        return item;
      }
      const { usage: _usage, ...rest } = item.chunk;
      return gatewayChunk(rest);
    }),
  );
}
