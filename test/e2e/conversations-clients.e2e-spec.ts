import { randomUUID } from 'node:crypto';
import {
  Agent,
  OpenAIConversationsSession,
  run,
  setDefaultOpenAIClient,
  setTracingDisabled,
} from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from '../support/api-refusal.js';
import { completion, textStream } from '../support/chat-chunks.js';
import {
  FakeUpstream,
  type RecordedRequest,
} from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import { expectValidResponse } from '../support/openapi-schemas.js';
import { redisForTests, type TestRedis } from '../support/redis-server.js';

const MODEL = 'fake-model';
const KEY_A = 'sk-conv-tenant-a-0001';
const KEY_B = 'sk-conv-tenant-b-0002';
const SECRET = 'the vault code is 4711';
const MISSING = 'conv_0123456789abcdef0123456789abcdef';

type ChatMessage = { role: string; content: unknown };

/** Answers every chat request with `reply <n>`, streamed or not as asked. */
function numberedReplies(upstream: FakeUpstream): void {
  let count = 0;
  upstream.setHandler((request: RecordedRequest) => {
    count += 1;
    const text = `reply ${count}`;
    return request.body.stream === true
      ? { kind: 'stream', chunks: textStream([text]) }
      : { kind: 'json', body: completion({ content: text }) };
  });
}

const sentText = (request: RecordedRequest | undefined) =>
  JSON.stringify((request?.body.messages as ChatMessage[]) ?? []);

describe('conversations with the OpenAI Agents SDK', () => {
  const harness = useGatewayWithUpstream();

  it('keeps an OpenAIConversationsSession across two runs', async () => {
    setTracingDisabled(true);
    numberedReplies(harness.upstream);
    const agent = new Agent({ name: 'assistant', model: MODEL });
    const session = new OpenAIConversationsSession({ client: harness.client });
    setDefaultOpenAIClient(harness.client);
    const first = await run(agent, 'My name is Ada.', { session });
    expect(first.finalOutput).toBe('reply 1');
    const second = await run(agent, 'What is my name?', { session });
    expect(second.finalOutput).toBe('reply 2');
    const secondSent = sentText(harness.upstream.chatRequests[1]);
    expect(secondSent).toContain('My name is Ada.');
    expect(secondSent).toContain('reply 1');
    const items = await session.getItems();
    expect(items).toHaveLength(4);
    const conversationId = await session.getSessionId();
    expect(conversationId).toMatch(/^conv_/);
  });

  it('continues a conversation by conversationId across two runs', async () => {
    setTracingDisabled(true);
    setDefaultOpenAIClient(harness.client);
    numberedReplies(harness.upstream);
    const conversation = await harness.client.conversations.create({});
    const agent = new Agent({ name: 'assistant', model: MODEL });
    await run(agent, 'Remember the number 42.', {
      conversationId: conversation.id,
    });
    const second = await run(agent, 'Which number?', {
      conversationId: conversation.id,
    });
    expect(second.finalOutput).toBe('reply 2');
    const [firstRequest, secondRequest] = harness.upstream.chatRequests;
    // The SDK sends only the new input; the earlier turn comes from the gateway.
    expect(sentText(firstRequest)).not.toContain('reply');
    expect(sentText(secondRequest)).toContain('Remember the number 42.');
    expect(sentText(secondRequest)).toContain('reply 1');
    const items = await harness.client.conversations.items.list(
      conversation.id,
    );
    expect(items.data).toHaveLength(4);
  });
});

describe('a conversation belongs to the key that created it', () => {
  const harness = useGatewayWithUpstream({
    env: { GATEWAY_API_KEYS: `${KEY_A},${KEY_B}` },
    apiKey: KEY_A,
  });
  const clientFor = (apiKey: string): OpenAI =>
    new OpenAI({
      baseURL: `${harness.gateway.url}/v1`,
      apiKey,
      maxRetries: 0,
    });

  it('another key gets the unknown id’s 404 on every route, and changes nothing', async () => {
    const a = clientFor(KEY_A);
    const b = clientFor(KEY_B);
    const conversation = await a.conversations.create({
      items: [{ type: 'message', role: 'user', content: SECRET }],
      metadata: { owner: 'a' },
    });
    const [item] = (await a.conversations.items.list(conversation.id)).data;
    const routes: ((id: string) => Promise<unknown>)[] = [
      (id) => b.conversations.retrieve(id),
      (id) => b.conversations.update(id, { metadata: { owner: 'b' } }),
      (id) => b.conversations.items.list(id),
      (id) =>
        b.conversations.items.create(id, {
          items: [{ type: 'message', role: 'user', content: 'from b' }],
        }),
      (id) =>
        b.conversations.items.retrieve(item!.id!, { conversation_id: id }),
      (id) => b.conversations.items.delete(item!.id!, { conversation_id: id }),
      (id) =>
        b.responses.create({ model: MODEL, conversation: id, input: 'hi' }),
      (id) => b.conversations.delete(id),
    ];
    for (const route of routes) {
      const foreign = await refusal(route(conversation.id));
      const unknown = await refusal(route(MISSING));
      expect(foreign).toMatchObject({ status: 404 });
      expect(JSON.stringify(foreign)).toBe(
        JSON.stringify(unknown).replaceAll(MISSING, conversation.id),
      );
    }
    expect(harness.upstream.chatRequests).toHaveLength(0);
    expect(await a.conversations.retrieve(conversation.id)).toEqual(
      conversation,
    );
    const items = await a.conversations.items.list(conversation.id);
    expect(items.data).toEqual([item]);
  });
});

describe('conversations in the Redis store, shared by two gateways', () => {
  let redis: TestRedis;
  let upstream: FakeUpstream;
  let gateways: RunningGateway[] = [];
  const clientOf = (gateway: RunningGateway) =>
    new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'sk-test',
      maxRetries: 0,
    });

  beforeAll(async () => {
    redis = await redisForTests();
    upstream = await FakeUpstream.start();
    const env = {
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `orgw-e2e:${randomUUID()}:`,
    };
    gateways = [await startGateway(env), await startGateway(env)];
  });
  afterAll(async () => {
    // Last started, first closed (the harness restores process.env).
    for (const gateway of [...gateways].reverse()) {
      await gateway.close();
    }
    await upstream?.close();
    await redis?.stop();
  });

  it('continues on one gateway a conversation created on the other', async () => {
    numberedReplies(upstream);
    const [one, other] = gateways.map(clientOf);
    const conversation = await one!.conversations.create({
      items: [{ type: 'message', role: 'user', content: 'I like tea.' }],
    });
    const first = await other!.responses.create({
      model: MODEL,
      conversation: conversation.id,
      input: 'My name is Ada.',
    });
    expectValidResponse(first);
    const second = await one!.responses.create({
      model: MODEL,
      conversation: conversation.id,
      input: 'What is my name?',
    });
    expect(second.conversation).toEqual({ id: conversation.id });
    expect(sentText(upstream.chatRequests[1])).toContain('My name is Ada.');
    const items = await other!.conversations.items.list(conversation.id, {
      order: 'asc',
    });
    expect(items.data).toHaveLength(5);
    expect((await one!.conversations.delete(conversation.id)).deleted).toBe(
      true,
    );
    expect(
      await refusal(other!.conversations.retrieve(conversation.id)),
    ).toMatchObject({ status: 404 });
  });
});
