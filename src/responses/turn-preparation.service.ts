import { Inject, Injectable, Logger } from '@nestjs/common';
import { chatRequestFor } from '../agent-format/agent-format.pipeline.js';
import {
  type AgentFormat,
  OPENAI_AGENT_FORMAT,
} from '../config/agent-format-setting.js';
import { withoutAgentFormat } from '../agent-format/request-agent-format.js';
import { checkCallOutputs } from './core/call-outputs.js';
import { restoreCompactionItems } from './core/compaction-items.js';
import { newId } from './core/ids.js';
import { isItemReference } from './core/input-item-fields.js';
import { ResponseEventMachine } from './core/response-event-machine.js';
import type {
  CreateResponseRequest,
  ResponseInputItem,
} from '../protocol/responses.types.js';
import { toChatRequest, type ChatRequestPlan } from './core/to-chat-request.js';
import { CompactionSeal } from './compact/compaction-seal.js';
import { normalizeInputItems, resolveItemReferences } from './input-items.js';
import { withoutHostedMcpTools } from './response-tools.js';
import { historyBefore } from './store/conversation-history.js';
import { RESPONSE_STORE, type ResponseStore } from './store/response-store.js';

/** What a turn's conversation is made of: these fields of a create or compact request. */
export interface ConversationRequest {
  previous_response_id?: string | null;
  input?: string | ResponseInputItem[] | null;
  instructions?: string | ResponseInputItem[] | null;
}

/** A turn's conversation: what came before it and what it adds. */
export interface Conversation {
  /** The items before `previous_response_id`, oldest first, as stored. */
  history: ResponseInputItem[];
  /** The store that holds `previous_response_id`, if any (see History.foundIn). */
  historyStore?: ResponseStore;
  /** The turn's input as stored: normalized, references replaced by the items they name. */
  inputItems: ResponseInputItem[];
  /** `instructions`; given as items, their references resolved too. */
  instructions?: string | ResponseInputItem[] | null;
}

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
 * The one turn preparation, of create and compact alike: loads the
 * conversation before `previous_response_id`, resolves `item_reference`s
 * (in the conversation, then anywhere in the store), checks the call
 * outputs, opens compaction items and maps the request to Chat Completions.
 * The request's shape was checked by its DTO.
 */
@Injectable()
export class TurnPreparationService {
  private readonly logger = new Logger(TurnPreparationService.name);

  constructor(
    @Inject(RESPONSE_STORE) private readonly store: ResponseStore,
    private readonly seal: CompactionSeal,
  ) {}

  /** A create turn, with its event machine started. */
  async prepare(
    withFormat: CreateResponseRequest,
    format: AgentFormat = OPENAI_AGENT_FORMAT,
    connectionStore?: ResponseStore,
  ): Promise<PreparedTurn> {
    const request = withoutAgentFormat(withFormat);
    const conversation = await this.conversation(request, connectionStore);
    const mapped = this.chatRequest(
      withoutHostedMcpTools(request),
      conversation,
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
      history: conversation.history,
      inputItems: conversation.inputItems,
      machine,
      format,
      connectionStore,
      historyStore: conversation.historyStore,
    };
  }

  /** The conversation of a turn (404 for an unknown `previous_response_id`). */
  async conversation(
    request: ConversationRequest,
    connectionStore?: ResponseStore,
  ): Promise<Conversation> {
    const { items: stored, foundIn } = await historyBefore(
      request.previous_response_id,
      this.store,
      connectionStore,
    );
    // Turns stored before references were resolved may still hold some.
    const history = await this.resolveReferences(stored, stored);
    const inputItems = await this.resolveReferences(
      normalizeInputItems(request.input ?? undefined),
      history,
    );
    if (request.previous_response_id) {
      checkCallOutputs(history, inputItems);
    }
    const instructions = Array.isArray(request.instructions)
      ? await this.resolveReferences(request.instructions, history)
      : request.instructions;
    return { history, historyStore: foundIn, inputItems, instructions };
  }

  /** The chat request of a turn: its compaction items opened (400 when one does not open). */
  chatRequest(
    request: CreateResponseRequest,
    conversation: Conversation,
  ): ChatRequestPlan {
    return toChatRequest(
      {
        ...request,
        instructions: conversation.instructions,
        input: [...this.restoreCompactions(conversation.inputItems, 'input')],
      },
      this.restoreCompactions(conversation.history, 'previous_response_id'),
    );
  }

  /** An item_reference names an item of the conversation, else of any stored response. */
  private resolveReferences(
    items: readonly ResponseInputItem[],
    history: readonly ResponseInputItem[],
  ): Promise<ResponseInputItem[]> {
    return resolveItemReferences(
      items,
      (id) =>
        history.find((item) => item.id === id && !isItemReference(item)) ??
        this.store.getItem(id),
    );
  }

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
