import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGatewayProcess,
  stopGatewayProcess,
  type GatewayProcess,
} from '../support/gateway-process.js';
import { redisForTests, type TestRedis } from '../support/redis-server.js';

describe('two gateway processes sharing one Redis', () => {
  let redis: TestRedis;
  let upstream: FakeUpstream;
  const processes: GatewayProcess[] = [];

  beforeAll(async () => {
    redis = await redisForTests();
    upstream = await FakeUpstream.start();
    for (let i = 0; i < 2; i++) {
      processes.push(await startProcess(upstream.baseUrl, redis.url));
    }
  }, 180_000);

  afterAll(async () => {
    for (const gateway of processes) {
      await stopGatewayProcess(gateway);
    }
    await upstream.close();
    await redis.stop();
  });

  it('continues on process B a response created on process A', async () => {
    const [a, b] = processes as [GatewayProcess, GatewayProcess];
    const clientA = new OpenAI({
      baseURL: `${a.url}/v1`,
      apiKey: 'x',
      maxRetries: 0,
    });
    const clientB = new OpenAI({
      baseURL: `${b.url}/v1`,
      apiKey: 'x',
      maxRetries: 0,
    });
    upstream.enqueue(
      {
        kind: 'json',
        body: completion({ content: 'Noted: the code is 4711.' }),
      },
      { kind: 'json', body: completion({ content: 'The code is 4711.' }) },
    );
    const first = await clientA.responses.create({
      model: 'fake-model',
      input: 'Remember the code 4711.',
    });
    const second = await clientB.responses.create({
      model: 'fake-model',
      previous_response_id: first.id,
      input: 'What is the code?',
    });
    expect(second.output_text).toBe('The code is 4711.');
    const history = upstream.chatRequests[1]!.body.messages as {
      role: string;
      content: unknown;
    }[];
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(history[1]!.content)).toContain(
      'Noted: the code is 4711.',
    );
    expect((await clientB.responses.retrieve(first.id)).id).toBe(first.id);
    expect(
      (await clientB.responses.inputItems.list(second.id)).data,
    ).toHaveLength(1);
  });
});

function startProcess(
  upstreamUrl: string,
  redisUrl: string,
): Promise<GatewayProcess> {
  return startGatewayProcess({
    OPENAI_BASE_URL_INTERNAL: upstreamUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `two-processes-${process.pid}:`,
    LOG_LEVEL: 'warn',
  });
}
