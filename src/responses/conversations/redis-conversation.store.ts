import { randomUUID } from 'node:crypto';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { closeRedis } from '../../common/redis/redis-client.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';
import { withoutCommandArguments } from '../store/redis-command-redaction.js';
import type { RedisScript } from '../store/redis-scripts.js';
import type {
  ItemList,
  ItemListQuery,
  OwnerFilter,
} from '../store/response-store.js';
import { storeUnavailable } from '../store/store-errors.js';
import { connectStoreRedis } from '../store/store-redis-connection.js';
import type {
  AppendOutcome,
  ConversationHistory,
  ConversationRecord,
  ConversationStore,
  ConversationStoreLimits,
  ItemDeletion,
  TurnAppend,
} from './conversation-store.js';
import { itemList } from './conversation-pages.js';
import { CONVERSATION_SCRIPTS } from './redis-conversation-scripts.js';

/** How a RedisConversationStore bounds and names what it writes. */
export interface RedisConversationStoreOptions extends ConversationStoreLimits {
  /** Seconds the keys of a conversation live after its last use. */
  ttlSeconds: number;
  /** Prefix of every key, the response store's (REDIS_KEY_PREFIX). */
  keyPrefix: string;
}

/**
 * The ConversationStore shared by every replica: per conversation a hash
 * (its record, owner and version), a list of its item ids and a hash of
 * its items' JSON by id, all expiring RESPONSE_TTL_SECONDS after the last
 * use, so a page or an item costs its own size, not the conversation's.
 * Each operation is one Lua script (redis-conversation-scripts.ts); Redis
 * failures become a 503 `store_unavailable`.
 */
export class RedisConversationStore
  implements ConversationStore, OnApplicationShutdown
{
  readonly limits: ConversationStoreLimits;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisConversationStoreOptions,
  ) {
    this.limits = { maxItems: options.maxItems };
  }

  /** Connects to `url`; a Redis that is down does not stop the start (see RedisResponseStore.connect). */
  static async connect(
    url: string,
    options: RedisConversationStoreOptions,
  ): Promise<RedisConversationStore> {
    const redis = await connectStoreRedis(url, {
      clientName: `open-responses-gateway:${options.keyPrefix}conversations`,
      what: 'the conversation store',
      loggerName: RedisConversationStore.name,
    });
    return new RedisConversationStore(redis, options);
  }

  assertAvailable(): void {
    if (this.redis.status !== 'ready') {
      throw storeUnavailable();
    }
  }

  async create(
    conversation: ConversationRecord,
    items: readonly ResponseInputItem[],
  ): Promise<void> {
    const { metadata, ...rest } = conversation;
    await this.run(
      CONVERSATION_SCRIPTS.create,
      conversation.id,
      { ifOwnedBy: conversation.owner },
      [JSON.stringify(rest), JSON.stringify(metadata), ...idsAndJson(items)],
    );
  }

  async get(
    id: string,
    filter: OwnerFilter = {},
  ): Promise<ConversationRecord | undefined> {
    const reply = await this.run(CONVERSATION_SCRIPTS.get, id, filter, []);
    return Array.isArray(reply) ? recordOf(reply) : undefined;
  }

  async history(
    id: string,
    filter: OwnerFilter = {},
  ): Promise<ConversationHistory | undefined> {
    const reply = await this.run(CONVERSATION_SCRIPTS.history, id, filter, []);
    if (!Array.isArray(reply)) {
      return undefined;
    }
    const [version, continues, ...items] = reply as string[];
    return {
      items: items.map(parseItem),
      version: Number(version),
      ...(continues !== '' && { continues }),
    };
  }

  async page(
    id: string,
    query: ItemListQuery,
    filter: OwnerFilter = {},
  ): Promise<ItemList | undefined> {
    const reply = await this.run(CONVERSATION_SCRIPTS.page, id, filter, [
      query.order,
      query.limit,
      query.after ?? '',
      query.before ?? '',
    ]);
    if (!Array.isArray(reply)) {
      return undefined;
    }
    const [hasMore, ...items] = reply as string[];
    return itemList(items.map(parseItem), hasMore === '1');
  }

  async itemsById(
    id: string,
    itemIds: readonly string[],
    filter: OwnerFilter = {},
  ): Promise<ResponseInputItem[] | undefined> {
    const reply = await this.run(
      CONVERSATION_SCRIPTS.itemsById,
      id,
      filter,
      itemIds,
    );
    return Array.isArray(reply)
      ? (reply as string[]).map(parseItem)
      : undefined;
  }

  async setMetadata(
    id: string,
    metadata: Record<string, string>,
    filter: OwnerFilter = {},
  ): Promise<ConversationRecord | undefined> {
    const reply = await this.run(CONVERSATION_SCRIPTS.setMetadata, id, filter, [
      JSON.stringify(metadata),
    ]);
    return Array.isArray(reply) ? recordOf(reply) : undefined;
  }

  async append(
    id: string,
    items: readonly ResponseInputItem[],
    filter: OwnerFilter = {},
    turn?: TurnAppend,
  ): Promise<AppendOutcome> {
    const reply = await this.run(CONVERSATION_SCRIPTS.append, id, filter, [
      this.options.maxItems,
      turn?.readVersion ?? '',
      turn?.responseId ?? '',
      ...idsAndJson(items),
    ]);
    return reply === 1 ? 'appended' : reply === -1 ? 'full' : 'not_found';
  }

  async deleteItem(
    id: string,
    itemId: string,
    filter: OwnerFilter = {},
  ): Promise<ItemDeletion | undefined> {
    const reply = await this.run(CONVERSATION_SCRIPTS.deleteItem, id, filter, [
      itemId,
    ]);
    if (!Array.isArray(reply)) {
      return undefined;
    }
    return { conversation: recordOf(reply), deleted: reply[2] === '1' };
  }

  async delete(id: string, filter: OwnerFilter = {}): Promise<boolean> {
    return (await this.run(CONVERSATION_SCRIPTS.delete, id, filter, [])) === 1;
  }

  onApplicationShutdown(): Promise<void> {
    return closeRedis(this.redis);
  }

  /** Runs `script` on the keys of conversation `id`; the create's owner goes where a filter's would. */
  private async run(
    script: RedisScript,
    id: string,
    { ifOwnedBy }: OwnerFilter,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    const prefix = this.options.keyPrefix;
    try {
      return await script.run(
        this.redis,
        [
          `${prefix}conversation:${id}`,
          `${prefix}conversation-items:${id}`,
          `${prefix}conversation-item:${id}`,
        ],
        [
          this.options.ttlSeconds,
          ifOwnedBy === undefined ? '0' : '1',
          ifOwnedBy ?? '',
          ...args,
        ],
      );
    } catch (error) {
      // Logged as the 503's cause: without the arguments (whole items).
      throw storeUnavailable(withoutCommandArguments(error));
    }
  }
}

/** The record of a {json, metadata} reply. */
function recordOf(reply: unknown[]): ConversationRecord {
  const record = JSON.parse(String(reply[0])) as ConversationRecord;
  const metadata = JSON.parse(
    typeof reply[1] === 'string' ? reply[1] : '{}',
  ) as Record<string, string>;
  return { ...record, metadata };
}

function parseItem(json: string): ResponseInputItem {
  return JSON.parse(json) as ResponseInputItem;
}

/**
 * Each item's id then its JSON, as the scripts take them. An item without
 * an id (none the gateway stores has one) gets a key no id can be.
 */
function idsAndJson(items: readonly ResponseInputItem[]): string[] {
  return items.flatMap((item) => [
    typeof item.id === 'string' ? item.id : `\0${randomUUID()}`,
    JSON.stringify(item),
  ]);
}
