import { describe, expect, it } from 'vitest';
import type { ResponseObject } from '../../protocol/responses.types.js';
import { InMemoryResponseStore } from '../store/in-memory-response.store.js';
import {
  conversationRecord,
  userItem,
} from './conversation-store-contract.test-support.js';
import { appendTurn } from './conversation-turns.js';
import { ConversationsService } from './conversations.service.js';
import { InMemoryConversationStore } from './in-memory-conversation.store.js';

async function conversationHolding(ids: string[]) {
  const store = new InMemoryConversationStore({ maxItems: 100, capacity: 10 });
  await store.create(
    conversationRecord('conv_1'),
    ids.map((id) => userItem(id)),
  );
  const service = new ConversationsService(
    store,
    new InMemoryResponseStore(10),
  );
  return { store, service };
}

/** Every id the list gives, following `after` one item at a time (as the SDKs' auto-paging does). */
async function pagedIds(service: ConversationsService): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 10; page++) {
    const list = await service.listItems('conv_1', {
      limit: 1,
      order: 'desc',
      after,
    });
    seen.push(...list.data.map((item) => String(item.id)));
    if (!list.has_more || list.last_id === null) {
      return seen;
    }
    after = list.last_id;
  }
  return seen;
}

// An item id names one item of a conversation: item routes and `after` paging find items by id.
describe('item ids within a conversation', () => {
  it('refuses to add an item whose id the conversation already holds', async () => {
    const { store, service } = await conversationHolding(['msg_1', 'msg_2']);
    await expect(
      service.addItems('conv_1', [userItem('msg_1')]),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      options: { param: 'items[0].id' },
    });
    await expect(
      service.addItems('conv_1', [userItem('msg_3'), userItem('msg_3')]),
    ).rejects.toMatchObject({ options: { param: 'items[1].id' } });
    expect((await store.history('conv_1'))?.items.map((i) => i.id)).toEqual([
      'msg_1',
      'msg_2',
    ]);
    expect(await pagedIds(service)).toEqual(['msg_2', 'msg_1']);
  });

  it('does not append again a turn input item the conversation holds (an item_reference)', async () => {
    const { store, service } = await conversationHolding(['msg_1', 'msg_2']);
    await appendTurn({
      conversation: { id: 'conv_1', store, version: 0 },
      inputItems: [userItem('msg_1'), userItem('msg_3')],
      response: {
        status: 'completed',
        output: [userItem('msg_out')],
      } as Partial<ResponseObject> as ResponseObject,
    });
    expect(await pagedIds(service)).toEqual([
      'msg_out',
      'msg_3',
      'msg_2',
      'msg_1',
    ]);
  });
});
