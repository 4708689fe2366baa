import Anthropic, { AuthenticationError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { ResponsesSocket } from '../support/responses-socket.js';
import { textReply } from '../support/mcp-loop-support.js';

const KEY = 'gw-anthropic-face-key';

/**
 * What an Anthropic client meets besides /v1/messages: `GET /v1/models`
 * with Anthropic's fields and errors when it sends `anthropic-version`
 * (OpenAI's list otherwise), and its `x-api-key` accepted everywhere,
 * the Responses WebSocket included.
 */
describe('the Anthropic face beyond /v1/messages', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    upstream.models = ['qwen3-coder', 'llama-4'];
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      GATEWAY_API_KEYS: KEY,
      UPSTREAM_MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const anthropic = (apiKey = KEY): Anthropic =>
    new Anthropic({ baseURL: gateway.url, apiKey, maxRetries: 0 });

  it("lists the models with Anthropic's fields for the Anthropic SDK", async () => {
    const models: Anthropic.ModelInfo[] = [];
    for await (const model of anthropic().models.list()) {
      models.push(model);
    }

    expect(models.map((model) => model.id)).toEqual(['qwen3-coder', 'llama-4']);
    for (const model of models) {
      expect(model.type).toBe('model');
      expect(model.display_name).toBe(model.id);
      expect(Number.isNaN(Date.parse(model.created_at))).toBe(false);
    }
    const one = await anthropic().models.retrieve('llama-4');
    expect(one).toMatchObject({ id: 'llama-4', type: 'model' });
  });

  it("keeps OpenAI's list for a client without anthropic-version", async () => {
    const answer = await fetch(`${gateway.url}/v1/models`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    const body = (await answer.json()) as Record<string, unknown>;

    expect(body['object']).toBe('list');
    expect(body).not.toHaveProperty('has_more');
    expect((body['data'] as Record<string, unknown>[])[0]).not.toHaveProperty(
      'type',
    );
  });

  it("answers a wrong key in Anthropic's shape for an Anthropic client, in OpenAI's otherwise", async () => {
    await expect(anthropic('wrong').models.list()).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    const anthropicAnswer = await fetch(`${gateway.url}/v1/models`, {
      headers: { 'x-api-key': 'wrong', 'anthropic-version': '2023-06-01' },
    });
    expect(anthropicAnswer.status).toBe(401);
    expect(await anthropicAnswer.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: expect.any(String) },
    });
    const openAiAnswer = await fetch(`${gateway.url}/v1/models`, {
      headers: { authorization: 'Bearer wrong' },
    });
    expect(await openAiAnswer.json()).toMatchObject({
      error: { code: 'invalid_api_key' },
    });
  });

  it('takes the key as x-api-key on a Responses WebSocket too', async () => {
    upstream.enqueue(textReply(true, 'over the socket'));
    const socket = await ResponsesSocket.open(gateway.url, {
      'x-api-key': KEY,
    });
    try {
      const frames = await socket.turn({
        model: 'fake-model',
        input: 'hello',
      });
      expect(frames.at(-1)).toMatchObject({ type: 'response.completed' });
    } finally {
      socket.socket.close();
    }
    await expect(ResponsesSocket.open(gateway.url)).rejects.toThrow(/401/);
  });
});
