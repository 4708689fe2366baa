import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/prometheus-text.test-support.js';
import { chunk, textStream, usageChunk } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { TempDir } from '../support/mcp-servers.js';
import { openResponses, validator } from '../support/openapi-documents.js';
import {
  ResponsesSocket,
  type SocketEvent,
} from '../support/responses-socket.js';
import { waitUntil } from '../support/wait-until.js';
import {
  startLoggedGateway,
  type LoggedGateway,
} from '../reliability/support/logged-gateway.js';

const RPM_KEY = 'sk-team-ws-rpm-0101';
const TPM_KEY = 'sk-team-ws-tpm-0102';
const FREE_KEY = 'sk-team-ws-free-0103';

const KEYS_FILE = `keys:
  - { name: team-ws-rpm, key: ${RPM_KEY}, requests_per_minute: 2 }
  - { name: team-ws-tpm, key: ${TPM_KEY}, tokens_per_minute: 100 }
  - { name: team-ws-free, key: ${FREE_KEY} }
`;

/** The token estimate of a `response.create` message: its bytes / 4 plus its cap. */
const estimateOf = (body: Record<string, unknown>, cap: number): number =>
  Math.ceil(
    Buffer.byteLength(JSON.stringify({ type: 'response.create', ...body })) / 4,
  ) + cap;

type Line = Record<string, unknown>;

function expectRefusal(
  events: readonly SocketEvent[],
  type: string,
  message: RegExp,
): void {
  expect(events).toHaveLength(1);
  const frame = events[0]!;
  expect(frame).toMatchObject({
    type: 'error',
    status: 429,
    error: { type, code: 'rate_limit_exceeded', param: null },
  });
  expect((frame['error'] as { message: string }).message).toMatch(message);
  const validate = validator(openResponses(), 'WebSocketErrorEvent');
  expect(validate(frame), JSON.stringify(validate.errors)).toBe(true);
}

/**
 * Per-key limits on Responses WebSocket turns: each `response.create`
 * counts as one request and reserves its estimated tokens, like a POST
 * would; its model calls settle the estimate and are labelled and logged
 * with the key's tenant and the upgrade's request id.
 */
describe('per-key limits on WebSocket turns', () => {
  let upstream: FakeUpstream;
  let gateway: LoggedGateway;
  let dir: TempDir;
  const sockets: ResponsesSocket[] = [];

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    dir = await TempDir.create();
    gateway = await startLoggedGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      GATEWAY_KEYS_FILE: await dir.write('keys.yaml', KEYS_FILE),
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await gateway?.close();
    await upstream?.close();
    await dir?.remove();
  });
  beforeEach(() => upstream.reset());

  async function open(key: string): Promise<ResponsesSocket> {
    const socket = await ResponsesSocket.open(gateway.url, {
      authorization: `Bearer ${key}`,
    });
    sockets.push(socket);
    return socket;
  }

  async function metrics(): Promise<Metrics> {
    return new Metrics(await (await fetch(`${gateway.url}/metrics`)).text());
  }

  it('counts every turn as a request: the third of a 2 RPM key gets a 429 error event, and the socket stays usable', async () => {
    upstream.enqueue(
      { kind: 'stream', chunks: textStream(['one']) },
      { kind: 'stream', chunks: textStream(['two']) },
    );
    const socket = await open(RPM_KEY);
    const turn = { model: 'fake-model', input: 'hi' };
    for (const text of ['one', 'two']) {
      const events = await socket.turn(turn);
      expect(events.at(-1)).toMatchObject({ type: 'response.completed' });
      expect(JSON.stringify(events.at(-1))).toContain(text);
    }
    expectRefusal(
      await socket.turn(turn),
      'requests',
      /^Rate limit reached for requests per minute \(RPM\): Limit 2, Used 2, Requested 1\. Please try again in (\d+m)?\d+(\.\d+)?s\.$/,
    );
    // Still open: the next turn is answered (refused again, within the minute).
    expectRefusal(await socket.turn(turn), 'requests', /Limit 2, Used 2/);
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
    expect(upstream.chatRequests).toHaveLength(2);
    const after = await metrics();
    expect(
      after.value('gateway_rate_limited_total', {
        tenant: 'team-ws-rpm',
        kind: 'requests_per_minute',
      }),
    ).toBe(2);
    // textStream reports 10 input and 20 output tokens a call.
    expect(
      after.value('gateway_tokens_total', {
        tenant: 'team-ws-rpm',
        direction: 'input',
      }),
    ).toBe(20);
    expect(
      after.value('gateway_tokens_total', {
        tenant: 'none',
        direction: 'input',
      }),
    ).toBe(0);
  });

  it("settles each turn's tokens from the upstream's usage: the turn that no longer fits is refused", async () => {
    const turn = { model: 'fake-model', input: 'hi', max_output_tokens: 16 };
    const estimate = estimateOf(turn, 16);
    // On estimates alone, two turns would fit in 100.
    expect(2 * estimate).toBeLessThanOrEqual(100);
    upstream.enqueue({
      kind: 'stream',
      chunks: [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'hello' }),
        chunk({}, 'stop'),
        usageChunk(50, 20),
      ],
    });
    const socket = await open(TPM_KEY);
    const first = await socket.turn(turn);
    expect(first.at(-1)).toMatchObject({ type: 'response.completed' });
    expectRefusal(
      await socket.turn(turn),
      'tokens',
      new RegExp(
        `^Rate limit reached for tokens per minute \\(TPM\\): Limit 100, Used 70, Requested ${estimate}\\.`,
      ),
    );
    expect(upstream.chatRequests).toHaveLength(1);
    const remaining = await fetch(`${gateway.url}/v1/models`, {
      headers: { authorization: `Bearer ${TPM_KEY}` },
    });
    expect(remaining.headers.get('x-ratelimit-remaining-tokens')).toBe('30');
  });

  it("runs each turn in a context of the upgrade's request id and the key's tenant", async () => {
    upstream.enqueue({ kind: 'stream', chunks: textStream(['logged']) });
    const socket = await open(FREE_KEY);
    const events = await socket.turn({ model: 'fake-model', input: 'x' });
    expect(events.at(-1)).toMatchObject({ type: 'response.completed' });
    const modelCalls = (): Line[] =>
      gateway.lines
        .map((line) => JSON.parse(line) as Line)
        .filter(
          (line) =>
            line['msg'] === 'model call' && line['tenant'] === 'team-ws-free',
        );
    await waitUntil(
      () => modelCalls().length > 0,
      () => 'the model call line was written',
    );
    const reqId = modelCalls()[0]!['reqId'];
    expect(typeof reqId).toBe('string');
    // The upgrade's access line, written when its socket closes, has that id.
    await socket.close();
    const upgradeLine = (): Line | undefined =>
      gateway.lines
        .map((line) => JSON.parse(line) as Line)
        .find((line) => line['reqId'] === reqId && line['msg'] === 'request');
    await waitUntil(
      () => upgradeLine() !== undefined,
      () => "the upgrade's access line was written",
    );
    expect(upgradeLine()).toMatchObject({
      method: 'GET',
      route: '/v1/responses',
      tenant: 'team-ws-free',
    });
    expect(gateway.lines.join('')).not.toContain(FREE_KEY);
  });
});
