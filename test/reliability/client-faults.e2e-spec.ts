import { request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chunk, textStream, usageChunk } from '../support/chat-chunks.js';
import { FakeUpstream, type FakeReply } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { waitUntil } from '../support/wait-until.js';
import { responsesDataOf, sseDataOf } from './support/answers.js';
import { BigStreamUpstream } from './support/big-stream-upstream.js';
import {
  leaveResponsesStream,
  openStream,
  readSlowly,
  waitUntilSteady,
} from './support/stream-clients.js';

/**
 * Clients that leave at every stage of a /v1/responses stream, and clients
 * that read a large stream very slowly. (A disconnect while MCP tool calls
 * are in flight is covered by the tool-loop specs.)
 */
const ROUNDS = 12;
const PARALLEL = 4;
const PACE_MS = 25;

const slowText: FakeReply = {
  kind: 'stream',
  chunks: textStream(Array.from({ length: 40 }, (_, i) => `t${i} `)),
  intervalMs: PACE_MS,
};
const slowArguments: FakeReply = {
  kind: 'stream',
  chunks: [
    chunk({ role: 'assistant', content: null }),
    chunk({
      tool_calls: [
        {
          index: 0,
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '' },
        },
      ],
    }),
    ...Array.from({ length: 40 }, (_, i) =>
      chunk({
        tool_calls: [
          { index: 0, function: { arguments: i === 0 ? '{"city":"' : 'x' } },
        ],
      }),
    ),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"}' } }] }),
    chunk({}, 'tool_calls'),
    usageChunk(),
  ],
  intervalMs: PACE_MS,
};
const firstChunkThenPause: FakeReply = {
  kind: 'stream',
  chunks: textStream(['a', 'b']),
  pauseBefore: { index: 1, ms: 60_000 },
};

const tools = [
  {
    type: 'function',
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
];

/** Where the client leaves: the upstream reply, and the event it waits for (none: before the headers). */
const STAGES: [string, FakeReply, string | null][] = [
  ['before the headers', { kind: 'stall' }, null],
  ['after response.created', firstChunkThenPause, 'response.created'],
  ['mid text', slowText, 'response.output_text.delta'],
  [
    'mid function-call arguments',
    slowArguments,
    'response.function_call_arguments.delta',
  ],
];

describe('client faults', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  const gatewayConnections = (): Promise<number> => {
    const server: Server = gateway.app.getHttpServer();
    return new Promise((resolve, reject) =>
      server.getConnections((error, count) =>
        error ? reject(error) : resolve(count),
      ),
    );
  };

  describe('disconnect at every stage of a /v1/responses stream', () => {
    it.each(STAGES)(
      `%s: the upstream sees the abort, ${ROUNDS} times, and no socket lingers`,
      async (_stage, reply, leaveAfter) => {
        upstream.setHandler(() => reply);
        for (let round = 0; round < ROUNDS; round += PARALLEL) {
          await Promise.all(
            Array.from({ length: PARALLEL }, () =>
              leaveResponsesStream(
                gateway.url,
                { model: 'fake-model', input: 'go', stream: true, tools },
                leaveAfter,
                // Every request of this round reached the upstream.
                () => upstream.chatRequests.length >= round + PARALLEL,
              ),
            ),
          );
          await upstream.waitForAborts(round + PARALLEL);
        }
        expect(upstream.chatRequests).toHaveLength(ROUNDS);
        expect(upstream.chatRequests.filter((r) => !r.aborted)).toEqual([]);
        await waitUntil(
          async () => (await gatewayConnections()) === 0,
          () => 'client connections to the gateway to close',
        );
        // An idle keep-alive socket (the upstream health probe's, say) closes
        // only at the fake upstream's keep-alive timeout (Node's 5 s): the
        // deadline leaves room for it on a loaded machine.
        await waitUntil(
          () => upstream.openSockets === 0,
          () => `upstream sockets to close (${upstream.openSockets} open)`,
          15_000,
        );
      },
    );

    it('a non-streaming /v1/responses request left while the upstream thinks', async () => {
      upstream.enqueue({ kind: 'json', delayMs: 60_000, body: {} });
      const request = httpRequest(`${gateway.url}/v1/responses`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json' },
      });
      request.on('error', () => undefined);
      request.end(JSON.stringify({ model: 'fake-model', input: 'think' }));
      await waitUntil(
        () => upstream.chatRequests.length === 1,
        () => 'the upstream to receive the request',
      );
      request.destroy();
      await upstream.waitForAborts(1);
    });

    it('keeps serving after the disconnects', async () => {
      const response = await fetch(`${gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', input: 'still there?' }),
      });
      expect(response.status).toBe(200);
      expect(JSON.stringify(await response.json())).toContain(
        'echo: still there?',
      );
    });
  });

  describe('a slow reader of a large stream', () => {
    const COUNT = 20_000;
    const SIZE = 1_024;
    let big: BigStreamUpstream;
    let bigGateway: RunningGateway;

    beforeAll(async () => {
      big = await BigStreamUpstream.start(COUNT, SIZE);
      bigGateway = await startGateway({
        OPENAI_BASE_URL_INTERNAL: big.baseUrl,
      });
    });
    afterAll(async () => {
      await bigGateway?.close();
      await big?.close();
    });

    it.each([
      ['/v1/responses', { model: 'm', input: 'go', stream: true, tools }],
      [
        '/v1/chat/completions',
        {
          model: 'm',
          messages: [{ role: 'user', content: 'go' }],
          stream: true,
        },
      ],
    ] as const)(
      `%s: the gateway stops reading the upstream while the client does not read, then delivers all ${COUNT} chunks of 1 KB`,
      async (path, body) => {
        const response = await openStream(`${bigGateway.url}${path}`, body);
        response.pause();
        // The upstream fills its socket buffer and waits for 'drain': the
        // gateway has stopped reading instead of buffering the stream.
        await waitUntilSteady(() => big.sent, 300);
        expect(big.blocked).toBe(true);
        expect(big.writesRefused).toBeGreaterThan(0);
        expect(big.sent).toBeLessThan(COUNT);
        const inFlight = big.sent;
        console.info(
          `slow reader ${path}: upstream blocked after ${inFlight} of ${COUNT} chunks (${Math.round((inFlight * SIZE) / 1024)} KiB in kernel buffers and the gateway)`,
        );

        const text = await readSlowly(response);
        const data =
          path === '/v1/responses' ? responsesDataOf(text) : sseDataOf(text);
        const deltas =
          path === '/v1/responses'
            ? data
                .map((d) => JSON.parse(d) as { type: string; delta?: string })
                .filter((e) => e.type === 'response.output_text.delta')
                .map((e) => e.delta)
            : data
                .filter((d) => d !== '[DONE]')
                .map((d) => JSON.parse(d).choices[0]?.delta?.content)
                .filter((c): c is string => typeof c === 'string' && c !== '');
        expect(deltas.length).toBe(COUNT);
        expect(deltas.every((delta, i) => delta === big.piece(i))).toBe(true);
        expect(big.finished).toBe(true);
        expect(data.at(-1)).toMatch(
          path === '/v1/responses' ? /response\.completed/ : /\[DONE\]/,
        );
      },
      60_000,
    );
  });
});
