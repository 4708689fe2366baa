import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  from,
  lastValueFrom,
  mergeMap,
  type MonoTypeOperatorFunction,
  type Observable,
} from 'rxjs';
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../protocol/chat-completion.types.js';
import {
  loopEventsFor,
  modelOptionsFor,
} from '../agent-format/agent-format.pipeline.js';
import type { AgentFormat } from '../config/agent-format-setting.js';
import {
  requestAgentFormat,
  type ToolCallFormatOption,
} from '../agent-format/request-agent-format.js';
import {
  assertHostedMcpAllowed,
  assertModelAllowed,
  type CallerOption,
} from '../auth/access-policy.js';
import { responsesConfig } from '../config/responses.config.js';
import type { Tenant } from '../config/security/tenant.js';
import { serverConfig } from '../config/server.config.js';
import { upstreamsConfig } from '../config/upstreams.config.js';
import { LifecycleStateService } from '../lifecycle/lifecycle-state.service.js';
import { failAtGraceEnd } from '../lifecycle/grace-end.js';
import { declaresHostedMcpTools } from '../mcp/hosted/hosted-mcp-spec.js';
import type { McpToolsOption } from '../mcp/tool-loop/request-toolset.js';
import { ToolLoopService } from '../mcp/tool-loop/tool-loop.service.js';
import type { CallModel } from '../mcp/tool-loop/tool-loop.types.js';
import { chunkLane, textLane } from '../llm-client/decoder/stream-lanes.js';
import { UpstreamRouter } from '../llm-client/upstream-router.service.js';
import {
  ModelCallService,
  type ModelCallOptions,
} from '../model-call/model-call.service.js';
import { enforceAllowedTools } from './core/allowed-tool-calls.js';
import type { EventNaming } from '../protocol/event-naming.js';
import { completionToChunks } from './core/response-event-machine.js';
import type { ResponseStreamItem } from './core/text-delta-run.js';
import type {
  CreateResponseRequest,
  ResponseObject,
} from '../protocol/responses.types.js';
import {
  responseEvents,
  type ResponseStreamOptions,
  singleRoundEvents,
  type FailureListener,
} from './response-stream.js';
import {
  prepareTurnTools,
  takesTextLane,
  turnEvents,
  type TurnTools,
} from './response-tools.js';
import { RESPONSE_STORE, type ResponseStore } from './store/response-store.js';
import {
  assertStorable,
  persistPlainTurn,
  persistTurn,
} from './store/turn-persistence.js';
import {
  TurnPreparationService,
  type PreparedTurn,
} from './turn-preparation.service.js';
import type { ConnectionStoreOption } from './websocket/connection-store.option.js';
import {
  type BackgroundTurnHooks,
  failWhenStopped,
} from './background/background-turn.js';
import { withFields } from '../common/objects/with-fields.js';

/** Options of one Responses request. */
export type ResponseCallOptions = ModelCallOptions &
  CallerOption &
  McpToolsOption &
  ToolCallFormatOption &
  ConnectionStoreOption & {
    /** Told of a failure reported as `response.failed`. */
    onFailed?: FailureListener;
    /** The SSE route's early keepalive (ResponseStreamOptions.onWaiting). */
    onWaiting?: () => void;
    /** Set for a background run (BackgroundRuns): how the turn is driven and stored. */
    background?: BackgroundTurnHooks;
  };

/**
 * /v1/responses on a Chat Completions upstream: resolves the conversation,
 * maps the request, runs the event machine over the upstream's chunks, and
 * stores the result. MCP tools (configured servers, and the request's
 * hosted `mcp` tools) run server-side in the shared tool loop, as
 * mcp_list_tools / mcp_call / mcp_approval_request items.
 */
@Injectable()
export class ResponsesService {
  private readonly logger = new Logger(ResponsesService.name);

  constructor(
    private readonly model: ModelCallService,
    private readonly toolLoop: ToolLoopService,
    @Inject(RESPONSE_STORE) private readonly store: ResponseStore,
    @Inject(serverConfig.KEY)
    private readonly server: ConfigType<typeof serverConfig>,
    @Inject(upstreamsConfig.KEY)
    private readonly upstreams: Pick<
      ConfigType<typeof upstreamsConfig>,
      'defaultAgentFormat'
    >,
    @Inject(responsesConfig.KEY)
    private readonly responses: Pick<
      ConfigType<typeof responsesConfig>,
      'eventNaming'
    >,
    private readonly turns: TurnPreparationService,
    private readonly lifecycle: LifecycleStateService,
    private readonly router: UpstreamRouter,
  ) {}

  /** The event naming of requests that do not choose one (RESPONSES_EVENT_NAMING). */
  get defaultEventNaming(): EventNaming {
    return this.responses.eventNaming;
  }

  /**
   * A streamed turn: Responses events, ending in exactly one terminal event.
   * Text deltas read together come as TextDeltaRuns: a consumer other than
   * the SSE writer takes them apart (expandTextRuns).
   */
  async stream(
    request: CreateResponseRequest,
    options: ResponseCallOptions,
  ): Promise<Observable<ResponseStreamItem>> {
    this.assertAccess(request, options);
    assertStorable(request, this.store);
    const turn = await this.turns.prepare(request, {
      format: this.formatOf(request, options),
      connectionStore: options.connectionStore,
      caller: options.tenant,
    });
    const tools = await this.toolsOf(turn, options);
    const background = options.background;
    if (background !== undefined) {
      await background.prepared(turn).catch((error: unknown) => {
        void tools.toolset.close();
        throw error;
      });
    }
    const modelOptions = modelOptionsFor(options, turn.format);
    const streamOptions: ResponseStreamOptions = {
      keepaliveIntervalMs: this.server.keepaliveIntervalMs,
      listings: tools.listings,
      onTerminated: () => this.persist(turn, background),
      ...(options.onFailed && { onFailed: options.onFailed }),
      ...(options.onWaiting && { onWaiting: options.onWaiting }),
      ...(background && { startAtOnce: true }),
    };
    const chat = turn.plan.chat;
    // A stream still running when the shutdown grace period ends fails its
    // source, so the machine ends it with response.failed.
    const graceEnd = this.lifecycle.graceEndSignal;
    // A plain turn (one model round, no step that rewrites chunks) takes the
    // text lane: its plain text chunks come as TextDeltas, the hot path of
    // most streams.
    if (takesTextLane(tools, turn.format, turn.request.tool_choice)) {
      void tools.toolset.close();
      return singleRoundEvents(
        this.model
          .stream(chat, modelOptions, textLane)
          .pipe(failAtGraceEnd(graceEnd), this.stoppable(background)),
        turn.machine,
        streamOptions,
      );
    }
    const events$ = turnEvents(this.toolLoop, chat, tools, (roundChat) =>
      this.model
        .stream(roundChat, modelOptions, chunkLane)
        .pipe(this.allowedToolsOnly(turn, roundChat)),
    ).pipe(
      loopEventsFor(turn.format),
      failAtGraceEnd(graceEnd),
      this.stoppable(background),
    );
    return responseEvents(events$, turn.machine, streamOptions);
  }

  /** A non-streamed turn, through the same event machine as a stream. */
  async create(
    request: CreateResponseRequest,
    options: ResponseCallOptions,
  ): Promise<ResponseObject> {
    this.assertAccess(request, options);
    assertStorable(request, this.store);
    const turn = await this.turns.prepare(request, {
      format: this.formatOf(request, options),
      connectionStore: options.connectionStore,
      caller: options.tenant,
    });
    const tools = await this.toolsOf(turn, options);
    const modelOptions = modelOptionsFor(options, turn.format);
    const callModel: CallModel = (chat) =>
      from(this.model.complete(chat, modelOptions)).pipe(
        mergeMap((completion) => completionToChunks(completion)),
        this.allowedToolsOnly(turn, chat),
      );
    const events$ = turnEvents(
      this.toolLoop,
      turn.plan.chat,
      tools,
      callModel,
      options.signal,
    ).pipe(loopEventsFor(turn.format));
    await lastValueFrom(
      responseEvents(events$, turn.machine, {
        listings: tools.listings,
      }),
      { defaultValue: undefined },
    );
    await persistPlainTurn(turn, this.store, this.logger);
    return turn.machine.response;
  }

  /**
   * An estimate of the prompt's tokens (about four characters a token over
   * the mapped chat request): no Chat Completions backend exposes a counter.
   */
  async countInputTokens(
    request: CreateResponseRequest,
    caller?: Tenant,
  ): Promise<{ object: 'response.input_tokens'; input_tokens: number }> {
    const { plan } = await this.turns.prepare(
      withFields(request, { model: request.model ?? '' }),
      { caller },
    );
    const text =
      JSON.stringify(plan.chat.messages) +
      JSON.stringify(plan.chat.tools ?? []);
    return {
      object: 'response.input_tokens',
      input_tokens: Math.ceil(text.length / 4),
    };
  }

  /** The request's agent format: body field, else header, else the default. */
  private formatOf(
    request: CreateResponseRequest,
    options: ToolCallFormatOption,
  ): AgentFormat {
    return requestAgentFormat(
      (request as { agent_format?: unknown }).agent_format,
      options.toolCallFormat,
      this.upstreams.defaultAgentFormat,
    );
  }

  /**
   * Refuses, before anything is read or called, a model or hosted MCP tools
   * the caller's key may not use (403).
   */
  private assertAccess(
    request: CreateResponseRequest,
    { tenant, upstreamName }: ResponseCallOptions,
  ): void {
    assertModelAllowed(tenant, { model: request.model, upstreamName }, () =>
      this.router.route(request.model, upstreamName),
    );
    assertHostedMcpAllowed(tenant, () => declaresHostedMcpTools(request.tools));
  }

  /** The turn's server-side tools; connects its hosted MCP servers. */
  private toolsOf(
    turn: PreparedTurn,
    options: ResponseCallOptions,
  ): Promise<TurnTools> {
    return prepareTurnTools(this.toolLoop, {
      request: turn.request,
      chat: turn.plan.chat,
      inputItems: turn.inputItems,
      history: turn.history,
      ...(options.mcpTools === undefined
        ? {}
        : { mcpToolsHeader: options.mcpTools }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
    });
  }

  /** Drops calls to tools outside `tool_choice.allowed_tools`, with a warning. */
  private allowedToolsOnly(
    turn: PreparedTurn,
    chat: ChatCompletionRequest,
  ): MonoTypeOperatorFunction<ChatCompletionChunk> {
    return enforceAllowedTools(turn.request.tool_choice, chat, (name) =>
      this.logger.warn(
        { tool: name, response: turn.machine.id },
        'the model called a tool outside tool_choice.allowed_tools; the call was dropped',
      ),
    );
  }

  /**
   * Stores the turn (see persistTurn); a failure is the request's. A
   * background run stores it unless another replica already stored its end.
   */
  private persist(
    turn: PreparedTurn,
    background?: BackgroundTurnHooks,
  ): Promise<void> {
    const save = (): Promise<void> =>
      persistTurn(turn, this.store, this.logger);
    return background === undefined ? save() : background.storeFinal(save);
  }

  /** A background run's stream fails when the run is stopped (cancel). */
  private stoppable<T>(
    background: BackgroundTurnHooks | undefined,
  ): MonoTypeOperatorFunction<T> {
    return background === undefined
      ? (source) => source
      : failWhenStopped(background.stop);
  }
}
