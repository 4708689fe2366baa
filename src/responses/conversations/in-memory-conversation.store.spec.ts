import { describe, expect, it } from 'vitest';
import { InMemoryResponseStore } from '../store/in-memory-response.store.js';
import { MemoryStoreLedger } from '../store/memory-store-ledger.js';
import { storedEntry } from '../store/response-store-contract.test-support.js';
import {
  conversationRecord,
  describeConversationStoreContract,
  userItem,
} from './conversation-store-contract.test-support.js';
import { InMemoryConversationStore } from './in-memory-conversation.store.js';

describeConversationStoreContract(InMemoryConversationStore.name, (maxItems) =>
  Promise.resolve(new InMemoryConversationStore({ maxItems, capacity: 100 })),
);

describe(InMemoryConversationStore.name, () => {
  it('evicts the least recently used conversation past its capacity', async () => {
    const store = new InMemoryConversationStore({ maxItems: 10, capacity: 2 });
    await store.create(conversationRecord('conv_1'), []);
    await store.create(conversationRecord('conv_2'), []);
    await store.get('conv_1');
    await store.create(conversationRecord('conv_3'), []);
    expect(store.size).toBe(2);
    expect(await store.get('conv_2')).toBeUndefined();
    expect(await store.get('conv_1')).toBeDefined();
  });

  it('counts the bytes of its records and items, and gives them back', async () => {
    const store = new InMemoryConversationStore({ maxItems: 10, capacity: 5 });
    const record = conversationRecord('conv_1');
    const item = userItem('msg_1');
    await store.create(record, [item]);
    const created = JSON.stringify(record).length + JSON.stringify(item).length;
    expect(store.bytes).toBe(created);
    await store.append('conv_1', [userItem('msg_2')]);
    await store.deleteItem('conv_1', 'msg_2');
    expect(store.bytes).toBe(created);
    await store.delete('conv_1');
    expect(store.bytes).toBe(0);
  });

  it('refuses a conversation larger than the whole budget (413)', async () => {
    const store = new InMemoryConversationStore({
      maxItems: 10,
      capacity: 5,
      maxBytes: 400,
    });
    await store.create(conversationRecord('conv_1'), []);
    const big = userItem('msg_big', 'x'.repeat(500));
    await expect(store.append('conv_1', [big])).rejects.toMatchObject({
      code: 'payload_too_large',
      options: { openAiCode: 'store_entry_too_large' },
    });
    expect((await store.history('conv_1'))?.items).toEqual([]);
  });

  it('shares the byte budget with the in-memory response store', async () => {
    const ledger = new MemoryStoreLedger();
    const responses = new InMemoryResponseStore(100, 2_000, ledger);
    const conversations = new InMemoryConversationStore({
      maxItems: 100,
      capacity: 100,
      maxBytes: 2_000,
      ledger,
    });
    await responses.save(storedEntry('resp_1', ['msg_a']));
    const before = responses.bytes;
    expect(before).toBeGreaterThan(0);
    // Conversations that fill the budget evict their own oldest first…
    for (let index = 0; index < 10; index++) {
      await conversations.create(conversationRecord(`conv_${index}`), [
        userItem(`msg_${index}`, 'y'.repeat(150)),
      ]);
    }
    expect(conversations.bytes + responses.bytes).toBeLessThanOrEqual(2_000);
    expect(await conversations.get('conv_0')).toBeUndefined();
    expect(await conversations.get('conv_9')).toBeDefined();
    // …and a response saved then makes room among the responses.
    await responses.save(storedEntry('resp_2', ['msg_b']));
    expect(conversations.bytes + responses.bytes).toBeLessThanOrEqual(2_000);
    expect(await responses.get('resp_2')).toBeDefined();
  });
});
