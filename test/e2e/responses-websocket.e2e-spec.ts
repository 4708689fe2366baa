import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { textStream } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { openResponses, validator } from '../support/openapi-documents.js';
import { expectSchemaValid } from '../support/responses-assertions.js';
import {
  ResponsesSocket,
  terminalResponse,
  type SocketEvent,
} from '../support/responses-socket.js';

const MODEL = 'fake-model';

function expectValidTurn(events: readonly SocketEvent[]): void {
  expect(events.map((event) => event.sequence_number)).toEqual(
    events.map((_event, index) => index),
  );
  expect(events[0]!.type).toBe('response.created');
  expect(events.at(-1)!.type).toBe('response.completed');
  expectSchemaValid(events, terminalResponse(events));
}

function expectErrorFrame(
  events: readonly SocketEvent[],
  status: number,
  code: string,
): void {
  expect(events).toHaveLength(1);
  const frame = events[0]!;
  expect(frame).toMatchObject({ type: 'error', status, error: { code } });
  const validate = validator(openResponses(), 'WebSocketErrorEvent');
  expect(validate(frame), JSON.stringify(validate.errors)).toBe(true);
}

function userTexts(body: { messages?: { role: string; content: unknown }[] }) {
  return (body.messages ?? [])
    .filter((message) => message.role !== 'system')
    .map((message) => JSON.stringify(message.content));
}

/**
 * Asks for a WebSocket upgrade on `path` over a raw socket; resolves with
 * what the gateway answered once it ended the connection itself (the
 * client never closes it).
 */
async function upgradeAnsweredOverHttp(
  gatewayUrl: string,
  path: string,
): Promise<string> {
  const { port } = new URL(gatewayUrl);
  const socket = connect(Number(port), '127.0.0.1');
  let answer = '';
  socket.on('data', (data: Buffer) => (answer += data.toString('utf8')));
  socket.write(
    [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      '',
      '',
    ].join('\r\n'),
  );
  await once(socket, 'end');
  socket.destroy();
  return answer;
}

describe('/v1/responses in WebSocket mode', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  const sockets: ResponsesSocket[] = [];

  async function open(): Promise<ResponsesSocket> {
    const socket = await ResponsesSocket.open(gateway.url);
    sockets.push(socket);
    return socket;
  }

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
  });
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('runs one turn: streaming events, one JSON object per frame', async () => {
    upstream.enqueue({ kind: 'stream', chunks: textStream(['Hel', 'lo']) });
    const socket = await open();
    const events = await socket.turn({ model: MODEL, input: 'hi' });
    expectValidTurn(events);
    expect(terminalResponse(events)['output']).toMatchObject([
      { type: 'message', content: [{ type: 'output_text', text: 'Hello' }] },
    ]);
    expect(upstream.chatRequests[0]!.body.stream).toBe(true);
  });

  it('runs three turns one after another on one socket', async () => {
    const socket = await open();
    let previous: string | undefined;
    for (const text of ['one', 'two', 'three']) {
      const events = await socket.turn({
        model: MODEL,
        input: text,
        ...(previous ? { previous_response_id: previous } : {}),
      });
      expectValidTurn(events);
      previous = terminalResponse(events)['id'] as string;
    }
    expect(upstream.chatRequests).toHaveLength(3);
    expect(userTexts(upstream.chatRequests[2]!.body).join(' ')).toMatch(
      /one.*echo: one.*two.*echo: two.*three/s,
    );
  });

  it('continues a store:false response on the same socket only', async () => {
    const socket = await open();
    const first = await socket.turn({
      model: MODEL,
      input: 'remember 42',
      store: false,
    });
    expectValidTurn(first);
    const id = terminalResponse(first)['id'] as string;

    const second = await socket.turn({
      model: MODEL,
      input: 'what number?',
      previous_response_id: id,
      store: false,
    });
    expectValidTurn(second);
    expect(userTexts(upstream.chatRequests[1]!.body).join(' ')).toContain(
      'remember 42',
    );

    const other = await open();
    expectErrorFrame(
      await other.turn({
        model: MODEL,
        input: 'what number?',
        previous_response_id: id,
      }),
      404,
      'previous_response_not_found',
    );
    const overHttp = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: MODEL,
        input: 'x',
        previous_response_id: id,
      }),
    });
    expect(overHttp.status).toBe(404);
  });

  it('evicts the cached response a failed continuation was built on', async () => {
    const socket = await open();
    const first = await socket.turn({ model: MODEL, input: 'a', store: false });
    const id = terminalResponse(first)['id'] as string;
    upstream.enqueue({ kind: 'error', status: 500 });
    const failed = await socket.turn({
      model: MODEL,
      input: 'b',
      previous_response_id: id,
      store: false,
    });
    expect(failed.at(-1)!.type).toBe('error');
    expectErrorFrame(
      await socket.turn({ model: MODEL, input: 'c', previous_response_id: id }),
      404,
      'previous_response_not_found',
    );
  });

  it('refuses a function_call_output whose call_id matches no call', async () => {
    const socket = await open();
    const first = await socket.turn({ model: MODEL, input: 'a' });
    const events = await socket.turn({
      model: MODEL,
      previous_response_id: terminalResponse(first)['id'],
      input: [
        { type: 'function_call_output', call_id: 'call_nope', output: '1' },
      ],
    });
    expectErrorFrame(events, 400, 'invalid_request');
    expect((events[0]!['error'] as { param: string }).param).toBe(
      'input[0].call_id',
    );
  });

  it('answers a bad message with an error frame and stays usable', async () => {
    const socket = await open();
    socket.send('not json');
    expectErrorFrame(await socket.next(), 400, 'invalid_json');
    expectErrorFrame(
      await socket.turn({ input: 'no model' }),
      400,
      'invalid_type',
    );
    socket.send({ type: 'response.cancel' });
    expectErrorFrame(await socket.next(), 400, 'invalid_value');
    expectValidTurn(await socket.turn({ model: MODEL, input: 'fine' }));
  });

  it('aborts the upstream request when the client disconnects mid-turn', async () => {
    for (let round = 1; round <= 3; round++) {
      upstream.enqueue({
        kind: 'stream',
        chunks: textStream(Array.from({ length: 50 }, (_v, i) => `t${i} `)),
        intervalMs: 50,
      });
      const socket = await open();
      socket.send({ type: 'response.create', model: MODEL, input: 'long' });
      await socket.waitForFrames(5);
      socket.socket.terminate();
      await upstream.waitForAborts(round);
    }
    expect(upstream.abortCount).toBe(3);
  });

  it('answers a plain GET with 426 Upgrade Required', async () => {
    for (const path of ['/v1/responses', '/responses']) {
      const response = await fetch(`${gateway.url}${path}`);
      expect(response.status).toBe(426);
      expect(await response.json()).toMatchObject({
        error: { code: 'upgrade_required', type: 'invalid_request_error' },
      });
    }
  });

  it('answers an upgrade on a route that is not a WebSocket one, then closes the connection', async () => {
    expect(await upgradeAnsweredOverHttp(gateway.url, '/health')).toMatch(
      /^HTTP\/1\.1 200/,
    );
    expect(await upgradeAnsweredOverHttp(gateway.url, '/nowhere')).toMatch(
      /^HTTP\/1\.1 404/,
    );
  });

  it('serves the /responses alias and the Open Responses event naming', async () => {
    upstream.enqueue({
      kind: 'stream',
      chunks: [
        ...textStream([]).slice(0, 1),
        {
          ...textStream([])[0]!,
          choices: [
            {
              index: 0,
              delta: { reasoning_content: 'think' },
              finish_reason: null,
            },
          ],
        },
        ...textStream(['ok']).slice(1),
      ],
    });
    const socket = await ResponsesSocket.open(
      gateway.url,
      { 'x-responses-event-naming': 'open-responses' },
      '/responses',
    );
    sockets.push(socket);
    const events = await socket.turn({ model: MODEL, input: 'hi' });
    const types = events.map((event) => event.type);
    expect(types).toContain('response.reasoning.delta');
    expect(types).not.toContain('response.reasoning_text.delta');
    expect(events.at(-1)!.type).toBe('response.completed');
  });

  it('runs about 20 WebSocket turns and 20 SSE requests at once', async () => {
    const ws = Array.from({ length: 20 }, async (_v, i) => {
      const socket = await open();
      const events = await socket.turn({ model: MODEL, input: `ws ${i}` });
      expectValidTurn(events);
      return terminalResponse(events)['output'];
    });
    const sse = Array.from({ length: 20 }, async (_v, i) => {
      const response = await fetch(`${gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, input: `sse ${i}`, stream: true }),
      });
      const text = await response.text();
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      return text;
    });
    const [wsOutputs, sseTexts] = await Promise.all([
      Promise.all(ws),
      Promise.all(sse),
    ]);
    wsOutputs.forEach((output, i) =>
      expect(JSON.stringify(output)).toContain(`echo: ws ${i}`),
    );
    sseTexts.forEach((text, i) => expect(text).toContain(`echo: sse ${i}`));
  });
});

describe('/v1/responses WebSocket mode with GATEWAY_API_KEYS', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      GATEWAY_API_KEYS: 'sk-gateway-1',
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('refuses the upgrade without a key, and with a wrong one', async () => {
    await expect(ResponsesSocket.open(gateway.url)).rejects.toThrow(
      'upgrade refused: 401',
    );
    await expect(
      ResponsesSocket.open(gateway.url, { authorization: 'Bearer nope' }),
    ).rejects.toThrow('upgrade refused: 401');
    expect(upstream.chatRequests).toHaveLength(0);
  });

  it('closes the connection after refusing an upgrade', async () => {
    const answer = await upgradeAnsweredOverHttp(gateway.url, '/v1/responses');
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
  });

  it('runs a turn with the key', async () => {
    const socket = await ResponsesSocket.open(gateway.url, {
      authorization: 'Bearer sk-gateway-1',
    });
    const events = await socket.turn({ model: MODEL, input: 'hi' });
    expectValidTurn(events);
    await socket.close();
  });
});
