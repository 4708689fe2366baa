import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { refusal } from '../support/api-refusal.js';
import {
  expectValidAs,
  getJson,
  textOf,
  userMessage,
} from '../support/conversation-support.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';

describe('/v1/conversations', () => {
  const harness = useGatewayWithUpstream();
  const rawGet = (path: string) => getJson(harness.gateway.url, path);

  it('creates, retrieves, updates and deletes a conversation', async () => {
    const { client } = harness;
    const created = await client.conversations.create({
      items: [userMessage('Hello!')],
      metadata: { topic: 'demo' },
    });
    expectValidAs('ConversationResource', created);
    expect(created).toMatchObject({
      object: 'conversation',
      metadata: { topic: 'demo' },
    });
    expect(created.id).toMatch(/^conv_[0-9a-f]{32}$/);
    expect(await client.conversations.retrieve(created.id)).toEqual(created);

    const updated = await client.conversations.update(created.id, {
      metadata: { topic: 'project-x' },
    });
    expect(updated).toEqual({ ...created, metadata: { topic: 'project-x' } });

    const deleted = await client.conversations.delete(created.id);
    expectValidAs('DeletedConversationResource', deleted);
    expect(deleted).toEqual({
      id: created.id,
      object: 'conversation.deleted',
      deleted: true,
    });
    const gone = await client.conversations
      .retrieve(created.id)
      .catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('adds, pages, retrieves and deletes items', async () => {
    const { client } = harness;
    const conversation = await client.conversations.create({
      items: [userMessage('one')],
    });
    const added = await client.conversations.items.create(conversation.id, {
      items: [userMessage('two'), userMessage('three'), userMessage('four')],
    });
    expectValidAs('ConversationItemList', added);
    expect(added.data).toHaveLength(3);
    expect(added.data.every((item) => /^msg_/.test(item.id!))).toBe(true);

    // Newest first by default, 2 a page, following `after`.
    const texts: string[] = [];
    for await (const item of client.conversations.items.list(conversation.id, {
      limit: 2,
    })) {
      expectValidAs('ConversationItem', item);
      texts.push(textOf(item));
    }
    expect(texts).toEqual(['four', 'three', 'two', 'one']);
    const firstPage = await client.conversations.items.list(conversation.id, {
      limit: 2,
      order: 'asc',
    });
    expectValidAs(
      'ConversationItemList',
      await rawGet(`/v1/conversations/${conversation.id}/items?limit=2`),
    );
    expect(firstPage.data.map(textOf)).toEqual(['one', 'two']);
    expect(firstPage.has_more).toBe(true);

    const third = added.data[1]!;
    expect(
      await client.conversations.items.retrieve(third.id!, {
        conversation_id: conversation.id,
      }),
    ).toEqual(third);
    const afterDelete = await client.conversations.items.delete(third.id!, {
      conversation_id: conversation.id,
    });
    expectValidAs('ConversationResource', afterDelete);
    expect(afterDelete.id).toBe(conversation.id);
    const left = await client.conversations.items.list(conversation.id, {
      order: 'asc',
    });
    expect(left.data.map(textOf)).toEqual(['one', 'two', 'four']);
    const missing = await refusal(
      client.conversations.items.retrieve(third.id!, {
        conversation_id: conversation.id,
      }),
    );
    expect(missing).toMatchObject({
      status: 404,
      error: { param: 'item_id' },
    });
  });

  it('checks items with the rules of /v1/responses input', async () => {
    const refused = await refusal(
      harness.client.conversations.create({
        items: [{ type: 'function_call_output', output: 'x' } as never],
      }),
    );
    expect(refused).toMatchObject({
      status: 400,
      error: { param: 'items[0].call_id' },
    });
    const tooMany = await refusal(
      harness.client.conversations.create({
        items: Array.from({ length: 21 }, () => userMessage('x')),
      }),
    );
    expect(tooMany).toMatchObject({ status: 400, error: { param: 'items' } });
  });

  it('answers an unknown conversation with a 404 on every route', async () => {
    const { client } = harness;
    const id = 'conv_0123456789abcdef0123456789abcdef';
    const calls = [
      () => client.conversations.retrieve(id),
      () => client.conversations.update(id, { metadata: {} }),
      () => client.conversations.delete(id),
      () => client.conversations.items.list(id),
      () =>
        client.conversations.items.create(id, { items: [userMessage('x')] }),
      () =>
        client.conversations.items.retrieve('msg_x', { conversation_id: id }),
      () => client.conversations.items.delete('msg_x', { conversation_id: id }),
    ];
    for (const call of calls) {
      expect(await refusal(call())).toEqual({
        status: 404,
        error: {
          message: `Conversation with id '${id}' not found.`,
          type: 'invalid_request_error',
          param: 'conversation_id',
          code: null,
        },
      });
    }
  });
});
