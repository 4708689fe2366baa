import { describe, expect, it } from 'vitest';
import { InMemoryResponseStore } from '../store/in-memory-response.store.js';
import { MemoryStoreLedger } from '../store/memory-store-ledger.js';
import { storedEntry } from '../store/response-store-contract.test-support.js';
import {
  conversationRecord,
  userItem,
} from './conversation-store-contract.test-support.js';
import { InMemoryConversationStore } from './in-memory-conversation.store.js';

const BUDGET = 2_000;

function storesSharingOneBudget() {
  const ledger = new MemoryStoreLedger();
  const responses = new InMemoryResponseStore(100, BUDGET, ledger);
  const conversations = new InMemoryConversationStore({
    maxItems: 100,
    capacity: 100,
    maxBytes: BUDGET,
    ledger,
  });
  return { responses, conversations };
}

// The in-memory response and conversation stores share MEMORY_STORE_MAX_BYTES:
// past it the least recently used entry of either goes, whichever store wrote.
describe('the memory budget shared by responses and conversations', () => {
  it('keeps a response just saved when older conversations fill the budget', async () => {
    const { responses, conversations } = storesSharingOneBudget();
    await conversations.create(conversationRecord('conv_old'), [
      userItem('msg_old', 'x'.repeat(1_600)),
    ]);
    await responses.save(storedEntry('resp_new', ['msg_new']));
    expect(await responses.get('resp_new')).toBeDefined();
    expect(await conversations.get('conv_old')).toBeUndefined();
    expect(responses.bytes + conversations.bytes).toBeLessThanOrEqual(BUDGET);
  });

  it('stays within the budget when a conversation grows past older responses', async () => {
    const { responses, conversations } = storesSharingOneBudget();
    for (let index = 0; index < 6; index++) {
      await responses.save(storedEntry(`resp_${index}`, [`msg_${index}`]));
    }
    await conversations.create(conversationRecord('conv_new'), []);
    await conversations.append('conv_new', [
      userItem('msg_big', 'x'.repeat(1_200)),
    ]);
    expect(responses.bytes + conversations.bytes).toBeLessThanOrEqual(BUDGET);
    expect((await conversations.history('conv_new'))?.items).toHaveLength(1);
    expect(await responses.get('resp_0')).toBeUndefined();
    expect(await responses.get('resp_5')).toBeDefined();
  });
});
