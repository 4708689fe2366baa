import { Inject, Injectable, Logger } from '@nestjs/common';
import { chatRequestFor } from '../agent-format/agent-format.pipeline.js';
import {
  type AgentFormat,
  OPENAI_AGENT_FORMAT,
} from '../config/agent-format-setting.js';
import { withoutAgentFormat } from '../agent-format/request-agent-format.js';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { checkCallOutputs } from './core/call-outputs.js';
import { restoreCompactionItems } from './core/compaction-items.js';
import { newId } from './core/ids.js';
import { ResponseEventMachine } from './core/response-event-machine.js';
import type {
  CreateResponseRequest,
  ResponseInputItem,
} from '../protocol/responses.types.js';
import { toChatRequest, type ChatRequestPlan } from './core/to-chat-request.js';
import { CompactionSeal } from './compact/compaction-seal.js';
import { normalizeInputItems, referencedIds } from './input-items.js';
import { withoutHostedMcpTools } from './response-tools.js';
import { historyBefore } from './store/conversation-history.js';
import { RESPONSE_STORE, type ResponseStore } from './store/response-store.js';

/** One prepared turn: its mapped chat request and what to store afterwards. */
export interface PreparedTurn {
  request: CreateResponseRequest;
  plan: ChatRequestPlan;
  history: ResponseInputItem[];
  inputItems: ResponseInputItem[];
  machine: ResponseEventMachine;
  /** Where a `store:false` turn is kept (WebSocket mode). */
  connectionStore?: ResponseStore;
  /** The store that holds `previous_response_id`, if any (see History.foundIn). */
  historyStore?: ResponseStore;
  /** How client tool calls reach the client (`agent_format`). */
  format: AgentFormat;
}

/**
 * Turns a Responses request into a {@link PreparedTurn}: loads the
 * conversation before `previous_response_id`, checks the call outputs,
 * resolves `item_reference`s, opens compaction items, maps the request to
 * Chat Completions and starts the turn's event machine.
 */
@Injectable()
export class TurnPreparationService {
  private readonly logger = new Logger(TurnPreparationService.name);

  constructor(
    @Inject(RESPONSE_STORE) private readonly store: ResponseStore,
    private readonly seal: CompactionSeal,
  ) {}

  async prepare(
    withFormat: CreateResponseRequest,
    format: AgentFormat = OPENAI_AGENT_FORMAT,
    connectionStore?: ResponseStore,
  ): Promise<PreparedTurn> {
    const request = withoutAgentFormat(withFormat);
    if (request.background === true) {
      throw new GatewayException(
        'invalid_request',
        'Background responses are not supported by this gateway.',
        { param: 'background', openAiCode: 'unsupported_parameter' },
      );
    }
    const { items: history, foundIn: historyStore } = await historyBefore(
      request.previous_response_id,
      this.store,
      connectionStore,
    );
    const inputItems = normalizeInputItems(request.input);
    if (request.previous_response_id) {
      checkCallOutputs(history, inputItems);
    }
    const references = await this.resolveReferences(inputItems, history);
    const mapped = toChatRequest(
      {
        ...withoutHostedMcpTools(request),
        input: [...this.restoreCompactions(inputItems, 'input')],
      },
      this.restoreCompactions(history, 'previous_response_id'),
      (id) => references.get(id),
    );
    const plan = { ...mapped, chat: chatRequestFor(mapped.chat, format) };
    if (plan.droppedTools.length > 0) {
      this.logger.log(
        { dropped: plan.droppedTools },
        'hosted tools the upstream cannot run were removed from the request',
      );
    }
    const machine = new ResponseEventMachine({
      id: newId('resp'),
      createdAt: Math.floor(Date.now() / 1000),
      request,
      tools: plan.tools,
      previousResponseId: request.previous_response_id ?? null,
    });
    return {
      request,
      plan,
      history,
      inputItems,
      machine,
      format,
      connectionStore,
      historyStore,
    };
  }

  private async resolveReferences(
    inputItems: readonly ResponseInputItem[],
    history: readonly ResponseInputItem[],
  ): Promise<Map<string, ResponseInputItem>> {
    const resolved = new Map<string, ResponseInputItem>();
    for (const id of referencedIds(inputItems)) {
      const item =
        history.find((h) => h.id === id) ?? (await this.store.getItem(id));
      if (item) {
        resolved.set(id, item);
      }
    }
    return resolved;
  }

  /** Compaction items replaced by the summaries they seal (400 when one does not open). */
  private restoreCompactions(
    items: readonly ResponseInputItem[],
    param: string,
  ): readonly ResponseInputItem[] {
    return restoreCompactionItems(
      items,
      (encrypted) => this.seal.open(encrypted)?.summary,
      param,
    );
  }
}
