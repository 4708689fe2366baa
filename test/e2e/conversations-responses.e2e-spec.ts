import { describe, expect, it } from 'vitest';
import { refusal } from '../support/api-refusal.js';
import { completion, textStream } from '../support/chat-chunks.js';
import {
  expectValidAs,
  getJson,
  textOf,
  userMessage,
} from '../support/conversation-support.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import {
  expectValidResponse,
  expectValidStreamEvents,
} from '../support/openapi-schemas.js';
import { ResponsesSocket } from '../support/responses-socket.js';

const MODEL = 'fake-model';

type ChatMessage = { role: string; content: unknown };

describe('POST /v1/responses with a conversation', () => {
  const harness = useGatewayWithUpstream();
  const rawGet = (path: string) => getJson(harness.gateway.url, path);

  it('takes the conversation as context and appends each turn to it', async () => {
    const { client, upstream } = harness;
    upstream.enqueue(
      { kind: 'json', body: completion({ content: 'Nice to meet you, Ada.' }) },
      { kind: 'stream', chunks: textStream(['Your name ', 'is Ada.']) },
    );
    const conversation = await client.conversations.create({
      items: [userMessage('I like tea.')],
    });
    const first = await client.responses.create({
      model: MODEL,
      instructions: 'Be brief.',
      conversation: conversation.id,
      input: 'My name is Ada.',
    });
    expectValidResponse(first);
    expect(first.conversation).toEqual({ id: conversation.id });
    const sentFirst = upstream.chatRequests[0]!.body.messages as ChatMessage[];
    expect(sentFirst.map((m) => m.role)).toEqual(['system', 'user', 'user']);

    const events: unknown[] = [];
    const stream = client.responses.stream({
      model: MODEL,
      conversation: { id: conversation.id },
      input: 'What is my name?',
    });
    stream.on('event', (event) => events.push(event));
    const second = await stream.finalResponse();
    expectValidStreamEvents(events);
    expect(second.conversation).toEqual({ id: conversation.id });
    const sent = upstream.chatRequests[1]!.body.messages as ChatMessage[];
    expect(sent.map((m) => m.role)).toEqual([
      'user',
      'user',
      'assistant',
      'user',
    ]);
    expect(JSON.stringify(sent[2]!.content)).toContain(
      'Nice to meet you, Ada.',
    );

    const items = await client.conversations.items.list(conversation.id, {
      order: 'asc',
    });
    expectValidAs(
      'ConversationItemList',
      await rawGet(`/v1/conversations/${conversation.id}/items`),
    );
    expect(items.data.map((item) => item.id)).toEqual([
      items.data[0]!.id,
      ...(await client.responses.inputItems.list(first.id)).data.map(
        (item) => item.id,
      ),
      first.output[0]!.id,
      ...(await client.responses.inputItems.list(second.id)).data.map(
        (item) => item.id,
      ),
      second.output[0]!.id,
    ]);
    expect(items.data.map(textOf)).toEqual([
      'I like tea.',
      'My name is Ada.',
      'Nice to meet you, Ada.',
      'What is my name?',
      'Your name is Ada.',
    ]);
  });

  it('appends a store:false turn too, without storing the response', async () => {
    const { client, upstream } = harness;
    upstream.enqueue({ kind: 'json', body: completion({ content: 'ok' }) });
    const conversation = await client.conversations.create({});
    const response = await client.responses.create({
      model: MODEL,
      conversation: conversation.id,
      input: 'ephemeral',
      store: false,
    });
    const items = await client.conversations.items.list(conversation.id, {
      order: 'asc',
    });
    expect(items.data.map(textOf)).toEqual(['ephemeral', 'ok']);
    expect(await refusal(client.responses.retrieve(response.id))).toMatchObject(
      { status: 404 },
    );
  });

  it('refuses conversation with previous_response_id, as OpenAI does', async () => {
    const { client, upstream } = harness;
    const conversation = await client.conversations.create({});
    expect(
      await refusal(
        client.responses.create({
          model: MODEL,
          conversation: conversation.id,
          previous_response_id: 'resp_0123',
          input: 'hi',
        }),
      ),
    ).toEqual({
      status: 400,
      error: {
        message:
          "Mutually exclusive parameters. Ensure you are only providing one of: 'previous_response_id' or 'conversation'.",
        type: 'invalid_request_error',
        param: null,
        code: 'mutually_exclusive_parameters',
      },
    });
    expect(upstream.chatRequests).toHaveLength(0);
  });

  it('answers an unknown conversation with a 404 on `conversation`', async () => {
    const id = 'conv_0123456789abcdef0123456789abcdef';
    expect(
      await refusal(
        harness.client.responses.create({
          model: MODEL,
          conversation: id,
          input: 'hi',
        }),
      ),
    ).toMatchObject({
      status: 404,
      error: {
        message: `Conversation with id '${id}' not found.`,
        param: 'conversation',
      },
    });
    expect(harness.upstream.chatRequests).toHaveLength(0);
  });

  it('works over a WebSocket too', async () => {
    const { client, upstream } = harness;
    upstream.enqueue({ kind: 'stream', chunks: textStream(['over ws']) });
    const conversation = await client.conversations.create({
      items: [userMessage('before')],
    });
    const socket = await ResponsesSocket.open(harness.gateway.url);
    try {
      const events = await socket.turn({
        model: MODEL,
        conversation: conversation.id,
        input: 'via socket',
      });
      expect(events.at(-1)!.type).toBe('response.completed');
    } finally {
      await socket.close();
    }
    const sent = upstream.chatRequests[0]!.body.messages as ChatMessage[];
    expect(JSON.stringify(sent[0]!.content)).toContain('before');
    const items = await client.conversations.items.list(conversation.id, {
      order: 'asc',
    });
    expect(items.data.map(textOf)).toEqual(['before', 'via socket', 'over ws']);
  });
});
