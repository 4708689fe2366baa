import { describe, expect, it } from 'vitest';
import type { Tenant } from '../../config/security/tenant.js';
import type { ResponseObject } from '../../protocol/responses.types.js';
import {
  conversationRecord,
  userItem,
} from './conversation-store-contract.test-support.js';
import { appendTurn, conversationContext } from './conversation-turns.js';
import { InMemoryConversationStore } from './in-memory-conversation.store.js';

function ended(status: ResponseObject['status']): ResponseObject {
  return {
    status,
    output: [userItem('msg_out')],
  } as Partial<ResponseObject> as ResponseObject;
}

async function storeWith(id: string, owner?: string) {
  const store = new InMemoryConversationStore({ maxItems: 3, capacity: 10 });
  await store.create(conversationRecord(id, owner), []);
  return store;
}

describe(appendTurn.name, () => {
  it.each(['completed', 'incomplete'] as const)(
    'appends the input then the output of a %s turn',
    async (status) => {
      const store = await storeWith('conv_a');
      await appendTurn({
        conversation: { id: 'conv_a', store, version: 0 },
        inputItems: [userItem('msg_in')],
        response: ended(status),
      });
      expect((await store.history('conv_a'))?.items.map((i) => i.id)).toEqual([
        'msg_in',
        'msg_out',
      ]);
    },
  );

  it.each(['failed', 'cancelled'] as const)(
    'adds nothing for a %s turn',
    async (status) => {
      const store = await storeWith('conv_a');
      await appendTurn({
        conversation: { id: 'conv_a', store, version: 0 },
        inputItems: [userItem('msg_in')],
        response: ended(status),
      });
      expect((await store.history('conv_a'))?.items).toEqual([]);
    },
  );

  it('refuses a turn past the item bound with a 400 on conversation', async () => {
    const store = await storeWith('conv_a');
    const turn = {
      conversation: { id: 'conv_a', store, version: 0 },
      inputItems: [userItem('msg_1'), userItem('msg_2'), userItem('msg_3')],
      response: ended('completed'),
    };
    await expect(appendTurn(turn)).rejects.toMatchObject({
      code: 'invalid_request',
      options: { param: 'conversation', openAiCode: 'conversation_too_long' },
    });
    expect((await store.history('conv_a'))?.items).toEqual([]);
  });

  it("appends only to the owner's conversation", async () => {
    const store = await storeWith('conv_a', 'tenant-a');
    await expect(
      appendTurn({
        conversation: { id: 'conv_a', store, version: 0 },
        inputItems: [],
        response: ended('completed'),
        owner: 'tenant-b',
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect((await store.history('conv_a'))?.items).toEqual([]);
  });
});

describe(conversationContext.name, () => {
  it("gives the conversation's items, and another key's a 404", async () => {
    const store = await storeWith('conv_a', 'tenant-a');
    await store.append('conv_a', [userItem('msg_1')]);
    const tenant = (id: string): Tenant => ({
      id,
      label: 'unnamed',
      hostedMcp: true,
      limits: {},
      metadata: {},
    });
    expect(
      (
        await conversationContext(store, 'conv_a', tenant('tenant-a'))
      ).items.map((i) => i.id),
    ).toEqual(['msg_1']);
    await expect(
      conversationContext(store, 'conv_a', tenant('tenant-b')),
    ).rejects.toMatchObject({
      code: 'not_found',
      options: { param: 'conversation' },
    });
  });
});
