import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import {
  describeCase,
  mutatedCase,
  mutatedChunks,
  SGLANG_CASE,
  splitValidCase,
  ssePieces,
  type StreamCase,
} from './support/chunk-mutation-arbitraries.js';
import {
  CRASH_SETTLE_MS,
  type Json,
  type Answer,
  responsesBody,
  chatBody,
  watchForCrashes,
  post,
  parse,
  responsesStream,
  isErrorFrame,
  chatStream,
  responseOutput,
  chatOutput,
} from './support/chunk-stream-answers.js';
import { SplitWriteUpstream } from './support/split-write-upstream.js';

/**
 * Upstream chunk streams, valid and then mutated in the fields the gateway
 * reads (null, removed, wrong JSON type, unknown fields), each cut into
 * separate socket writes at arbitrary byte offsets. A real backend's chunk
 * once crashed the whole process (SGLang writes `"tool_calls":null` in every
 * delta), so for every case nothing may be thrown out of the gateway; the
 * answer must be an OpenAI-shaped HTTP error or a stream that ends properly;
 * and the gateway must still serve afterwards. The valid streams come first,
 * to prove the harness sees a healthy gateway as healthy.
 */
describe('upstream chunk mutations, split into separate writes', () => {
  let upstream: SplitWriteUpstream;
  let gateway: RunningGateway;
  let crashes: ReturnType<typeof watchForCrashes>;
  let crashesReported = 0;
  let inFlight: string | undefined;
  const endings = new Map<string, number>();
  // Should a crash ever take the worker down after all, name the case.
  const onExit = (): void => {
    if (inFlight !== undefined) {
      process.stderr.write(`\nworker exiting during case ${inFlight}\n`);
    }
  };

  beforeAll(async () => {
    crashes = watchForCrashes();
    process.on('exit', onExit);
    upstream = await SplitWriteUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      UPSTREAM_MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    const lines = [...endings]
      .sort()
      .map(([end, n]) => `${String(n).padStart(6)}  ${end}`);
    console.info(`chunk mutations: how the cases ended\n${lines.join('\n')}`);
    await gateway?.close();
    await upstream?.close();
    process.off('exit', onExit);
    crashes?.stop();
  });
  afterEach(async () => {
    // Whatever a property run did, the gateway must still serve plain requests.
    upstream.clear();
    const health = await fetch(`${gateway.url}/health`, {
      signal: AbortSignal.timeout(5_000),
    });
    expect(health.status).toBe(200);
    const responses = responsesStream(
      await send('/v1/responses', responsesBody(false)),
    );
    expect(responses.problems).toEqual([]);
    expect(responseOutput(responses.events.at(-1)?.['response']).text).toBe(
      'pong',
    );
    const chat = chatStream(
      await send('/v1/chat/completions', chatBody(true, true)),
    );
    expect(chat.problems).toEqual([]);
    expect(chatOutput(chat.chunks).text).toBe('pong');
    await settle();
    expect(crashes.seen.slice(crashesReported)).toEqual([]);
  });

  const settle = () =>
    new Promise((resolve) => setTimeout(resolve, CRASH_SETTLE_MS));
  const send = (path: string, body: unknown) =>
    post(`${gateway.url}${path}`, body, crashes.signal());

  /** Sends `body` while the upstream plays `streamCase`: the answer, crashes and failures to answer. */
  async function attempt(path: string, body: Json, streamCase: StreamCase) {
    upstream.script(ssePieces(streamCase, mutatedChunks(streamCase)));
    inFlight = `${path} ${describeCase(streamCase)}`;
    const problems: string[] = [];
    const answer = await send(path, body).catch((error: Error) => {
      problems.push(error.message);
      return undefined;
    });
    inFlight = undefined;
    await settle();
    const crashed = crashes.seen.slice(crashesReported);
    crashesReported = crashes.seen.length;
    problems.push(...crashed.map((c) => `escaped the gateway: ${c}`));
    return { answer, problems };
  }

  /** Counts how cases ended, to show the mutated ones are not all refused alike. */
  function tally(
    label: string,
    answer: Answer | undefined,
    end: () => string,
  ): void {
    const code = answer && parse(answer.text)?.['error']?.['code'];
    const how = !answer
      ? 'no answer'
      : answer.status === 200
        ? end()
        : `HTTP ${answer.status} ${code}`;
    endings.set(`${label}: ${how}`, (endings.get(`${label}: ${how}`) ?? 0) + 1);
  }

  async function responsesCase(streamCase: StreamCase, tools: boolean) {
    const { answer, problems } = await attempt(
      '/v1/responses',
      responsesBody(tools),
      streamCase,
    );
    const { events, problems: more } = answer
      ? responsesStream(answer)
      : { events: [], problems: [] };
    tally(
      `responses ${streamCase.mutations.length ? 'mutated' : 'valid'}`,
      answer,
      () => {
        const last = events.at(-1);
        return `${last?.['type']} ${last?.['response']?.['error']?.['code'] ?? ''}`;
      },
    );
    return {
      problems: [...problems, ...more],
      response: events.at(-1)?.['response'] as Json,
    };
  }

  async function chatCase(
    streamCase: StreamCase,
    tools: boolean,
    usage: boolean,
  ) {
    const { answer, problems } = await attempt(
      '/v1/chat/completions',
      chatBody(tools, usage),
      streamCase,
    );
    const { chunks, problems: more } = answer
      ? chatStream(answer)
      : { chunks: [], problems: [] };
    const error = chunks.find(isErrorFrame)?.['error'];
    tally(
      `chat ${streamCase.mutations.length ? 'mutated' : 'valid'}`,
      answer,
      () => (error ? `error frame ${error['code']}` : '[DONE]'),
    );
    return { problems: [...problems, ...more], chunks, error };
  }

  it('responses: valid streams split anywhere complete, with their text and calls (60 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        splitValidCase,
        fc.boolean(),
        async (streamCase, tools) => {
          const { problems, response } = await responsesCase(streamCase, tools);
          expect(problems).toEqual([]);
          expect(response['status']).toMatch(/^(completed|incomplete)$/);
          // Whitespace-only text makes no message item (output-timeline.ts).
          const { text, toolArguments } = streamCase.valid;
          expect(responseOutput(response)).toEqual({
            text: text.trim() && text,
            calls: toolArguments,
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('chat: valid streams split anywhere end with [DONE], with their text and calls (60 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        splitValidCase,
        fc.boolean(),
        fc.boolean(),
        async (streamCase, tools, usage) => {
          const { problems, chunks, error } = await chatCase(
            streamCase,
            tools,
            usage,
          );
          expect([...problems, ...(error ? [error] : [])]).toEqual([]);
          const { text, toolArguments } = streamCase.valid;
          expect(chatOutput(chunks)).toEqual({ text, calls: toolArguments });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('responses: mutated streams never crash the gateway, and end in one valid terminal event or an HTTP error (100 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedCase, fc.boolean(), async (streamCase, tools) => {
        expect((await responsesCase(streamCase, tools)).problems).toEqual([]);
      }),
      { numRuns: 100, examples: [[SGLANG_CASE, true]] },
    );
  });

  it('chat: mutated streams never crash the gateway, and end with [DONE], one error frame or an HTTP error (100 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutatedCase,
        fc.boolean(),
        fc.boolean(),
        async (streamCase, tools, usage) => {
          expect((await chatCase(streamCase, tools, usage)).problems).toEqual(
            [],
          );
        },
      ),
      {
        numRuns: 100,
        examples: [
          [SGLANG_CASE, true, false],
          [SGLANG_CASE, false, true],
        ],
      },
    );
  });
});
