import type { Tenant } from '../../config/security/tenant.js';
import type {
  ResponseInputItem,
  ResponseObject,
} from '../../protocol/responses.types.js';
import { visibleOnlyTo } from '../store/response-store.js';
import {
  conversationFull,
  conversationNotFound,
} from './conversation-errors.js';
import type {
  ConversationHistory,
  ConversationStore,
} from './conversation-store.js';

/**
 * The items of the conversation a turn names (`conversation` on
 * POST /v1/responses), oldest first: they come after `instructions` and
 * before the turn's input. Unknown, expired or another key's: 404 on
 * `conversation`.
 */
export async function conversationContext(
  store: ConversationStore | undefined,
  id: string,
  caller: Tenant | undefined,
): Promise<ConversationHistory> {
  const history = await store?.history(id, visibleOnlyTo(caller));
  if (history === undefined) {
    throw conversationNotFound(id, 'conversation');
  }
  return history;
}

/** The conversation a turn names, as its history was read. */
export interface TurnConversation {
  id: string;
  store: ConversationStore;
  /** ConversationHistory.version when the turn read it. */
  version: number;
  /** ConversationHistory.continues when the turn read it. */
  continues?: string;
}

/** A turn that names a conversation, as it ended. */
export interface ConversationTurn {
  conversation?: TurnConversation;
  inputItems: readonly ResponseInputItem[];
  response: ResponseObject;
  owner?: string;
}

/**
 * Appends a finished turn's input and output items to its conversation, in
 * one atomic step, when the response completed or ended incomplete (as
 * OpenAI does; a failed or cancelled turn adds nothing, so a retry does
 * not repeat its input). Independent of `store`: the conversation is where
 * the client asked the turn to be kept. A conversation deleted meanwhile
 * is a 404; one past CONVERSATION_MAX_ITEMS a 400 (nothing added). An
 * input item the conversation holds already (an item_reference to it) is
 * not added again: an id names one item of a conversation. When nothing
 * changed the conversation since the turn read it, its response becomes
 * the conversation's `continues` (the next turn's response links to it).
 */
export async function appendTurn(turn: ConversationTurn): Promise<void> {
  const { conversation, response } = turn;
  if (
    conversation === undefined ||
    (response.status !== 'completed' && response.status !== 'incomplete')
  ) {
    return;
  }
  const { id, store, version } = conversation;
  const outcome = await store.append(
    id,
    [...turn.inputItems, ...response.output],
    turn.owner === undefined ? {} : { ifOwnedBy: turn.owner },
    { readVersion: version, responseId: response.id },
  );
  if (outcome === 'not_found') {
    throw conversationNotFound(id, 'conversation');
  }
  if (outcome === 'full') {
    throw conversationFull(store.limits.maxItems, 'conversation');
  }
}
