import { Inject, Injectable } from '@nestjs/common';
import type { Tenant } from '../../config/security/tenant.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';
import { newId } from '../core/ids.js';
import {
  pageItems,
  RESPONSE_STORE,
  visibleOnlyTo,
  type ItemList,
  type ItemListQuery,
  type ResponseStore,
} from '../store/response-store.js';
import {
  conversationFull,
  conversationItemNotFound,
  conversationNotFound,
} from './conversation-errors.js';
import { assertNewItemIds, storedFormOf } from './conversation-items.js';
import {
  CONVERSATION_STORE,
  type ConversationRecord,
  type ConversationStore,
} from './conversation-store.js';

/** OpenAI's `Conversation` (ConversationResource). */
export interface ConversationObject {
  id: string;
  object: 'conversation';
  created_at: number;
  metadata: Record<string, string>;
}

/** OpenAI's `DeletedConversation`. */
export interface DeletedConversation {
  id: string;
  object: 'conversation.deleted';
  deleted: true;
}

/**
 * /v1/conversations: conversations and their items, owned by the key that
 * created them. `caller` is the request's tenant (undefined when inbound
 * auth is off); another key's conversation is answered exactly as an
 * unknown id, on every route, and nothing of it is read or changed.
 */
@Injectable()
export class ConversationsService {
  constructor(
    @Inject(CONVERSATION_STORE) private readonly store: ConversationStore,
    @Inject(RESPONSE_STORE) private readonly responses: ResponseStore,
  ) {}

  async create(
    body: {
      items?: ResponseInputItem[] | null;
      metadata?: Record<string, string> | null;
    },
    caller?: Tenant,
  ): Promise<ConversationObject> {
    this.store.assertAvailable();
    const items = await storedFormOf(body.items ?? [], this.responses, caller);
    assertNewItemIds(items, []);
    if (items.length > this.store.limits.maxItems) {
      throw conversationFull(this.store.limits.maxItems, 'items');
    }
    const record: ConversationRecord = {
      id: newId('conv'),
      created_at: Math.floor(Date.now() / 1000),
      metadata: body.metadata ?? {},
      ...(caller === undefined ? {} : { owner: caller.id }),
    };
    await this.store.create(record, items);
    return publicForm(record);
  }

  async retrieve(id: string, caller?: Tenant): Promise<ConversationObject> {
    const record = await this.store.get(id, visibleOnlyTo(caller));
    return publicForm(record ?? notFound(id));
  }

  async update(
    id: string,
    metadata: Record<string, string>,
    caller?: Tenant,
  ): Promise<ConversationObject> {
    const record = await this.store.setMetadata(
      id,
      metadata,
      visibleOnlyTo(caller),
    );
    return publicForm(record ?? notFound(id));
  }

  async delete(id: string, caller?: Tenant): Promise<DeletedConversation> {
    if (!(await this.store.delete(id, visibleOnlyTo(caller)))) {
      notFound(id);
    }
    return { id, object: 'conversation.deleted', deleted: true };
  }

  async listItems(
    id: string,
    query: ItemListQuery,
    caller?: Tenant,
  ): Promise<ItemList> {
    const page = await this.store.page(id, query, visibleOnlyTo(caller));
    return page ?? notFound(id);
  }

  /** Adds items at the end; answers with the items added, ids assigned. */
  async addItems(
    id: string,
    given: readonly ResponseInputItem[],
    caller?: Tenant,
  ): Promise<ItemList> {
    const filter = visibleOnlyTo(caller);
    // Only the held items an id of `given` names (its own or a reference's):
    // those it may refer to, and those a new item must not repeat.
    const named = given.flatMap((item) =>
      typeof item.id === 'string' ? [item.id] : [],
    );
    const known =
      (await this.store.itemsById(id, named, filter)) ?? notFound(id);
    const items = await storedFormOf(given, this.responses, caller, known);
    assertNewItemIds(items, known);
    const outcome = await this.store.append(id, items, filter);
    if (outcome === 'not_found') {
      notFound(id);
    }
    if (outcome === 'full') {
      throw conversationFull(this.store.limits.maxItems, 'items');
    }
    return pageItems(items, { limit: items.length, order: 'asc' });
  }

  async retrieveItem(
    id: string,
    itemId: string,
    caller?: Tenant,
  ): Promise<ResponseInputItem> {
    const found = await this.store.itemsById(
      id,
      [itemId],
      visibleOnlyTo(caller),
    );
    const [item] = found ?? notFound(id);
    if (!item) {
      throw conversationItemNotFound(itemId);
    }
    return item;
  }

  /** Removes one item; answers with the conversation. */
  async deleteItem(
    id: string,
    itemId: string,
    caller?: Tenant,
  ): Promise<ConversationObject> {
    const deletion = await this.store.deleteItem(
      id,
      itemId,
      visibleOnlyTo(caller),
    );
    if (!deletion) {
      notFound(id);
    }
    if (!deletion.deleted) {
      throw conversationItemNotFound(itemId);
    }
    return publicForm(deletion.conversation);
  }
}

/** The conversation as the API shows it: without its owner. */
function publicForm(record: ConversationRecord): ConversationObject {
  return {
    id: record.id,
    object: 'conversation',
    created_at: record.created_at,
    metadata: record.metadata,
  };
}

function notFound(id: string): never {
  throw conversationNotFound(id, 'conversation_id');
}
