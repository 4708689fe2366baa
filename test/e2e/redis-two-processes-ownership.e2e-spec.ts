import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from '../support/api-refusal.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGatewayProcess,
  stopGatewayProcess,
  type GatewayProcess,
} from '../support/gateway-process.js';
import { redisForTests, type TestRedis } from '../support/redis-server.js';
import { ResponsesSocket } from '../support/responses-socket.js';

const KEY_A = 'sk-tenant-a-0001';
const KEY_B = 'sk-tenant-b-0002';
const MODEL = 'fake-model';
const SECRET = 'the vault code is 4711';
const MISSING = 'resp_0123456789abcdef0123456789abcdef';

describe('ownership across two gateway processes sharing one Redis', () => {
  let redis: TestRedis;
  let upstream: FakeUpstream;
  const processes: GatewayProcess[] = [];

  beforeAll(async () => {
    redis = await redisForTests();
    upstream = await FakeUpstream.start();
    for (let i = 0; i < 2; i++) {
      processes.push(
        await startGatewayProcess({
          OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
          REDIS_URL: redis.url,
          REDIS_KEY_PREFIX: `two-processes-ownership-${process.pid}:`,
          GATEWAY_API_KEYS: `${KEY_A},${KEY_B}`,
          LOG_LEVEL: 'warn',
        }),
      );
    }
  }, 180_000);

  afterAll(async () => {
    for (const gateway of processes) {
      await stopGatewayProcess(gateway);
    }
    await upstream?.close();
    await redis?.stop();
  });

  const client = (gateway: GatewayProcess, apiKey: string): OpenAI =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });

  it('refuses on process 2 what key A stored on process 1 to key B, and serves it to key A', async () => {
    const [one, two] = processes as [GatewayProcess, GatewayProcess];
    const { id } = await client(one, KEY_A).responses.create({
      model: MODEL,
      input: SECRET,
    });
    upstream.reset();

    const b = client(two, KEY_B).responses;
    const asMissing = async (call: (x: string) => Promise<unknown>) => {
      const foreign = JSON.stringify(await refusal(call(id)));
      const missing = JSON.stringify(await refusal(call(MISSING)));
      expect(foreign).toBe(missing.replaceAll(MISSING, id));
      return JSON.parse(foreign) as unknown;
    };
    expect(await asMissing((x) => b.retrieve(x))).toMatchObject({
      status: 404,
    });
    await asMissing((x) => b.inputItems.list(x));
    await asMissing((x) => b.delete(x));
    expect(
      await asMissing((x) =>
        b.create({ model: MODEL, input: 'code?', previous_response_id: x }),
      ),
    ).toMatchObject({ status: 404 });
    // The same over B's WebSocket on process 2: an unknown id's error event.
    const socket = await ResponsesSocket.open(two.url, {
      authorization: `Bearer ${KEY_B}`,
    });
    const turn = (previous: string) =>
      socket.turn({
        model: MODEL,
        input: 'code?',
        previous_response_id: previous,
      });
    const foreign = JSON.stringify(await turn(id));
    const missing = JSON.stringify(await turn(MISSING));
    socket.socket.close();
    expect(foreign).toBe(missing.replaceAll(MISSING, id));
    expect(foreign).toContain('"status":404');
    expect(upstream.requests).toEqual([]);

    // Key A reads and continues it on process 2: B's DELETE removed nothing.
    const a = client(two, KEY_A).responses;
    expect((await a.retrieve(id)).id).toBe(id);
    expect((await a.inputItems.list(id)).data).toHaveLength(1);
    await a.create({ model: MODEL, input: 'code?', previous_response_id: id });
    expect(JSON.stringify(upstream.chatRequests[0]!.body)).toContain(SECRET);
  });
});
