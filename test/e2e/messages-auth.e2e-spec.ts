import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import {
  answerText,
  expectAnthropicError,
  expectSdkError,
  messagesBody,
  messagesClient,
  postMessages,
  textOf,
  type MessagesCredential,
} from '../support/messages-http.js';

const UPSTREAM_KEY = 'sk-upstream-secret-5be0';
const LISTED_KEY = 'sk-ant-listed-key-4410';
const ANSWER = 'Hello from upstream.';

/**
 * The gateway's keys on `/v1/messages`, through the official Anthropic
 * client: a key is taken as Anthropic's `x-api-key` or as a Bearer token,
 * a missing or wrong one is Anthropic's 401 before any upstream call, and
 * with FORWARD_CLIENT_AUTH the client's own key goes upstream.
 */
describe('/v1/messages with GATEWAY_API_KEYS', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      OPENAI_API_KEY: UPSTREAM_KEY,
      GATEWAY_API_KEYS: LISTED_KEY,
      UPSTREAM_MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    upstream.reset();
    upstream.setHandler(answerText(ANSWER));
  });

  const client = (credential: MessagesCredential): Anthropic =>
    messagesClient(gateway.url, credential);

  it.each<[string, MessagesCredential]>([
    ['x-api-key', { apiKey: LISTED_KEY }],
    ['Authorization: Bearer', { authToken: LISTED_KEY }],
  ])(
    'accepts the key as %s, streamed or not, and sends the upstream its own key',
    async (_how, credential) => {
      const sut = client(credential);
      const message = await sut.messages.create(messagesBody('hi'));
      expect(textOf(message)).toBe(ANSWER);
      const streamed = await sut.messages
        .stream(messagesBody('hi'))
        .finalMessage();
      expect(textOf(streamed)).toBe(ANSWER);
      expect(upstream.chatRequests).toHaveLength(2);
      for (const seen of upstream.chatRequests) {
        expect(seen.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
        expect(seen.headers['x-api-key']).toBeUndefined();
        expect(JSON.stringify(seen.headers)).not.toContain(LISTED_KEY);
      }
    },
  );

  it('counts tokens with the key as x-api-key, without calling the upstream', async () => {
    const counted = await client({ apiKey: LISTED_KEY }).messages.countTokens({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(upstream.requests).toEqual([]);
  });

  it('answers a request without a key with 401 authentication_error', async () => {
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      await expectAnthropicError(
        await postMessages(gateway.url, messagesBody('hi'), {}, path),
        401,
        'authentication_error',
      );
    }
    expect(upstream.requests).toEqual([]);
  });

  it.each<[string, MessagesCredential]>([
    ['x-api-key', { apiKey: `${LISTED_KEY}x` }],
    ['Authorization: Bearer', { authToken: 'sk-ant-listed-key-441' }],
  ])(
    'answers a wrong key as %s with the SDK AuthenticationError, streamed or not',
    async (_how, credential) => {
      const sut = client(credential);
      await expectSdkError(
        sut.messages.create(messagesBody('hi')),
        Anthropic.AuthenticationError,
        401,
        'authentication_error',
      );
      await expectSdkError(
        sut.messages.stream(messagesBody('hi')).finalMessage(),
        Anthropic.AuthenticationError,
        401,
        'authentication_error',
      );
      expect(upstream.requests).toEqual([]);
    },
  );
});

describe('/v1/messages with FORWARD_CLIENT_AUTH', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      OPENAI_API_KEY: UPSTREAM_KEY,
      FORWARD_CLIENT_AUTH: 'true',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    upstream.reset();
    upstream.setHandler(answerText(ANSWER));
  });

  it.each<[string, MessagesCredential]>([
    ['x-api-key', { apiKey: 'sk-ant-client-own-1' }],
    ['Authorization: Bearer', { authToken: 'sk-ant-client-own-1' }],
  ])(
    "forwards the client's key sent as %s to the upstream as a Bearer token",
    async (_how, credential) => {
      const sut = messagesClient(gateway.url, credential);
      expect(textOf(await sut.messages.create(messagesBody('hi')))).toBe(
        ANSWER,
      );
      await sut.messages.stream(messagesBody('hi')).finalMessage();
      expect(
        upstream.chatRequests.map((seen) => seen.headers.authorization),
      ).toEqual(['Bearer sk-ant-client-own-1', 'Bearer sk-ant-client-own-1']);
    },
  );
});
