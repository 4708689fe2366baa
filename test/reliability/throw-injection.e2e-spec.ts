import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
} from 'vitest';
import { completion, textStream } from '../support/chat-chunks.js';
import { FakeUpstream, type FakeReply } from '../support/fake-upstream.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import {
  startMcpGateway,
  type McpGateway,
} from '../support/mcp-loop-clients.js';
import {
  callsReply,
  textReply,
  toolMessages,
} from '../support/mcp-loop-support.js';
import { nodeServer, TEST_SERVER_BIN } from '../support/mcp-servers.js';
import { answerText } from './support/failure-shapes.js';
import {
  endpointOf,
  PLAIN_SHAPES,
  sendShape,
} from './support/request-shapes.js';
import {
  MCP_CALL_CASES,
  PLAIN_CASES,
  TOOL_LOOP_CASES,
  type InjectionCase,
} from './support/throw-injection-cases.js';
import { watchProcessFaults } from './support/throw-points.js';

/**
 * Every stage a request passes through throws once (a bug, injected with a
 * spy that calls through on every other call): at its first call, and at a
 * later one, once bytes went out. The request that hit it must end in its
 * endpoint's error shape (see Ending): before the first byte an HTTP 5xx
 * with an OpenAI error body; after it one terminal `response.failed` then
 * `data: [DONE]` (Responses) or one `data: {"error":…}` frame (chat). Then
 * the same gateway must serve plain requests in full, and no uncaught
 * exception nor unhandled rejection may have reached the process.
 */

const PIECES = ['The ', 'quick ', 'brown ', 'fox.'];

/** A short text answer, streamed in pieces a few ms apart so frames leave separately. */
function plainAnswer(stream: boolean): FakeReply {
  const text = PIECES.join('');
  return stream
    ? { kind: 'stream', chunks: textStream(PIECES), intervalMs: 3 }
    : { kind: 'json', body: completion({ content: text, refusal: null }) };
}

/** Sends the case's request with its throw armed; checks that it fired and how the request ended. */
async function expectEnding(
  baseUrl: string,
  testCase: InjectionCase,
): Promise<void> {
  const point = testCase.inject();
  const { answer, outcome } = await sendShape(baseUrl, testCase.shape);
  vi.restoreAllMocks();
  expect(point.fired, 'the injected throw fired').toBe(1);
  expect(outcome.ending, answer.text.slice(-1_500)).toBe(testCase.ending);
  expect(outcome.problems).toEqual([]);
}

/** The four plain requests, each answered in full with `expected`, valid against the spec. */
async function expectServesNormally(
  baseUrl: string,
  expected: string,
): Promise<void> {
  for (const shape of PLAIN_SHAPES) {
    const { answer, outcome } = await sendShape(baseUrl, shape);
    expect(outcome.ending, `${shape}: ${answer.text.slice(-500)}`).toBe(
      'completed',
    );
    expect(answerText(outcome, endpointOf(shape)), shape).toBe(expected);
    expect(outcome.problems, shape).toEqual([]);
  }
}

describe('a throw at any stage fails its own request only', () => {
  let faults: ReturnType<typeof watchProcessFaults>;
  beforeAll(() => {
    faults = watchProcessFaults();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    expect(faults.seen, 'uncaught exceptions and unhandled rejections').toEqual(
      [],
    );
  });
  afterAll(() => faults.stop());

  describe('without MCP servers', () => {
    const live = useGatewayWithUpstream();
    beforeEach(() => {
      live.upstream.setHandler((request) =>
        plainAnswer(request.body?.stream === true),
      );
    });

    it.each(PLAIN_CASES)('$stage: $shape → $ending', async (testCase) => {
      await expectEnding(live.gateway.url, testCase);
      await expectServesNormally(live.gateway.url, PIECES.join(''));
    });
  });

  describe('in the MCP tool loop', () => {
    let upstream: FakeUpstream;
    let mcp: McpGateway;
    beforeAll(async () => {
      upstream = await FakeUpstream.start();
      mcp = await startMcpGateway(upstream, {
        test: nodeServer(TEST_SERVER_BIN),
      });
    });
    afterAll(async () => {
      await mcp?.close();
      await upstream?.close();
    });
    // The model calls the server's `echo` tool, then answers with text.
    beforeEach(() => {
      upstream.reset();
      upstream.setHandler((request) => {
        const stream = request.body?.stream === true;
        return toolMessages(request).length > 0
          ? textReply(stream, 'Done.')
          : callsReply(stream, [
              { id: 'call_echo', name: 'echo', arguments: '{"text":"x"}' },
            ]);
      });
    });
    /** The plain requests, answered by the upstream's default echo. */
    const expectLoopServes = async (): Promise<void> => {
      upstream.reset();
      await expectServesNormally(mcp.gateway.url, 'echo: hi');
    };

    it.each(TOOL_LOOP_CASES)('$stage: $shape → $ending', async (testCase) => {
      await expectEnding(mcp.gateway.url, testCase);
      await expectLoopServes();
    });

    it.each(MCP_CALL_CASES)(
      '$stage: $shape → $ending, the model reads the error',
      async (testCase) => {
        await expectEnding(mcp.gateway.url, testCase);
        expect(toolMessages(upstream.chatRequests[1])).toEqual([
          {
            tool_call_id: 'call_echo',
            content: expect.stringContaining('MCP tool echo failed'),
          },
        ]);
        await expectLoopServes();
      },
    );
  });
});
