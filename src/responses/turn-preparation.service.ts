import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { chatRequestFor } from '../agent-format/agent-format.pipeline.js';
import {
  type AgentFormat,
  OPENAI_AGENT_FORMAT,
} from '../config/agent-format-setting.js';
import { withoutAgentFormat } from '../agent-format/request-agent-format.js';
import { visibleTo, type Tenant } from '../config/security/tenant.js';
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
import { conversationIdOf } from './dto/request-field.rules.js';
import {
  CONVERSATION_STORE,
  type ConversationStore,
} from './conversations/conversation-store.js';
import {
  conversationContext,
  type TurnConversation,
} from './conversations/conversation-turns.js';
import { historyBefore, type History } from './store/conversation-history.js';
import { RESPONSE_STORE, type ResponseStore } from './store/response-store.js';
import { withFields } from '../common/objects/with-fields.js';

/** What a turn's conversation is made of: these fields of a create or compact request. */
export interface ConversationRequest {
  previous_response_id?: string | null;
  /** A conversation (Conversations API) whose items come before the input. */
  conversation?: string | { id: string } | null;
  input?: string | ResponseInputItem[] | null;
  instructions?: string | ResponseInputItem[] | null;
}

/** A turn's conversation: what came before it and what it adds. */
export interface Conversation {
  /** The items before `previous_response_id`, or the `conversation`'s, oldest first, as stored. */
  history: ResponseInputItem[];
  /**
   * The store that holds the response whose whole chain `history` is
   * (`previous_response_id`, or the `conversation`'s `continues`), if any:
   * see History.foundIn.
   */
  historyStore?: ResponseStore;
  /** The `conversation`'s version and `continues` when read (ConversationHistory). */
  conversationState?: { version: number; continues?: string };
  /** The turn's input as stored: normalized, references replaced by the items they name. */
  inputItems: ResponseInputItem[];
  /** `instructions`; given as items, their references resolved too. */
  instructions?: string | ResponseInputItem[] | null;
}

/** Whose turn it is, and where its conversation may be. */
export interface ConversationContext {
  /** The connection's store (WebSocket mode), looked at first. */
  connectionStore?: ResponseStore;
  /**
   * The caller's tenant (undefined: inbound auth off): only its own stored
   * responses, items and compaction items are found, as if no other existed.
   */
  caller?: Tenant;
}

/** How a create turn is prepared. */
export interface TurnContext extends ConversationContext {
  /** How client tool calls reach the client (`agent_format`). */
  format?: AgentFormat;
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
  /** The store that holds the response `history` continues, if any (Conversation.historyStore). */
  historyStore?: ResponseStore;
  /** How client tool calls reach the client (`agent_format`). */
  format: AgentFormat;
  /** The caller's Tenant.id, stored as the response's owner; absent when auth is off. */
  owner?: string;
  /** The conversation the turn is appended to when it completes (Conversations API). */
  conversation?: TurnConversation;
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
    @Optional()
    @Inject(CONVERSATION_STORE)
    private readonly conversations?: ConversationStore,
  ) {}

  /** A create turn, with its event machine started. */
  async prepare(
    withFormat: CreateResponseRequest,
    context: TurnContext = {},
  ): Promise<PreparedTurn> {
    const { format = OPENAI_AGENT_FORMAT, connectionStore, caller } = context;
    const request = withoutAgentFormat(withFormat);
    const conversationId = conversationIdOf(request.conversation);
    if (conversationId !== undefined) {
      // A turn that cannot be appended is refused before any model call.
      this.conversations?.assertAvailable();
    }
    const conversation = await this.conversation(request, context);
    const mapped = this.chatRequest(
      withoutHostedMcpTools(request),
      conversation,
      caller,
    );
    const plan = withFields(mapped, {
      chat: chatRequestFor(mapped.chat, format),
    });
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
      echoScope: caller?.id,
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
      ...(caller === undefined ? {} : { owner: caller.id }),
      ...(conversationId !== undefined &&
        this.conversations && {
          conversation: {
            id: conversationId,
            store: this.conversations,
            version: conversation.conversationState?.version ?? 0,
            continues: conversation.conversationState?.continues,
          },
        }),
    };
  }

  /** The conversation of a turn (404 for an unknown `previous_response_id` or `conversation`). */
  async conversation(
    request: ConversationRequest,
    { connectionStore, caller }: ConversationContext = {},
  ): Promise<Conversation> {
    const conversationId = conversationIdOf(request.conversation);
    const {
      items: stored,
      foundIn,
      conversationState,
    }: History & Pick<Conversation, 'conversationState'> = conversationId ===
    undefined
      ? await historyBefore(
          request.previous_response_id,
          this.store,
          connectionStore,
          caller,
        )
      : await this.conversationHistory(conversationId, caller);
    const resolve = (
      items: readonly ResponseInputItem[],
      history: readonly ResponseInputItem[],
    ) => this.resolveReferences(items, history, caller);
    // Turns stored before references were resolved may still hold some.
    const history = await resolve(stored, stored);
    const inputItems = await resolve(
      normalizeInputItems(request.input ?? undefined),
      history,
    );
    if (request.previous_response_id || conversationId !== undefined) {
      checkCallOutputs(history, inputItems);
    }
    const instructions = Array.isArray(request.instructions)
      ? await resolve(request.instructions, history)
      : request.instructions;
    return {
      history,
      historyStore: foundIn,
      conversationState,
      inputItems,
      instructions,
    };
  }

  /**
   * The items of a `conversation`: when they are the whole chain of the
   * conversation's last response (`continues`), that response is in the
   * shared store, which the turn's response then links to.
   */
  private async conversationHistory(
    id: string,
    caller: Tenant | undefined,
  ): Promise<History & Pick<Conversation, 'conversationState'>> {
    const { items, version, continues } = await conversationContext(
      this.conversations,
      id,
      caller,
    );
    return {
      items,
      foundIn: continues === undefined ? undefined : this.store,
      conversationState: { version, continues },
    };
  }

  /**
   * The chat request of a turn: its compaction items opened (400 when one
   * does not open, or was made for another key than `caller`).
   */
  chatRequest(
    request: CreateResponseRequest,
    conversation: Conversation,
    caller?: Tenant,
  ): ChatRequestPlan {
    const restore = (items: readonly ResponseInputItem[], param: string) =>
      this.restoreCompactions(items, param, caller);
    return toChatRequest(
      withFields(request, {
        instructions: conversation.instructions,
        input: [...restore(conversation.inputItems, 'input')],
      }),
      restore(
        conversation.history,
        request.conversation ? 'conversation' : 'previous_response_id',
      ),
    );
  }

  /**
   * An item_reference names an item of the conversation, else of any stored
   * response the caller may see (another key's item is not found).
   */
  private resolveReferences(
    items: readonly ResponseInputItem[],
    history: readonly ResponseInputItem[],
    caller: Tenant | undefined,
  ): Promise<ResponseInputItem[]> {
    return resolveItemReferences(
      items,
      (id) =>
        history.find((item) => item.id === id && !isItemReference(item)) ??
        this.storedItem(id, caller),
    );
  }

  private async storedItem(
    id: string,
    caller: Tenant | undefined,
  ): Promise<ResponseInputItem | undefined> {
    const stored = await this.store.getItem(id);
    return stored && visibleTo(stored.owner, caller) ? stored.item : undefined;
  }

  private restoreCompactions(
    items: readonly ResponseInputItem[],
    param: string,
    caller: Tenant | undefined,
  ): readonly ResponseInputItem[] {
    return restoreCompactionItems(
      items,
      (encrypted) => this.seal.open(encrypted, caller)?.summary,
      param,
    );
  }
}
