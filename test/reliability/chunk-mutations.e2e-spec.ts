import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import {
  validateErrorBody,
  validateStreamEvent,
} from '../support/openapi-schemas.js';
import { sseDataOf } from './support/answers.js';
import {
  describeCase,
  mutatedCase,
  mutatedChunks,
  SGLANG_CASE,
  splitValidCase,
  ssePieces,
  type StreamCase,
} from './support/chunk-stream-arbitraries.js';
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
const CLIENT_TIMEOUT_MS = 5_000;
/** rxjs rethrows an error thrown in a subscriber on a timer: wait for it. */
const CRASH_SETTLE_MS = 5;
const TERMINAL = /^response\.(completed|incomplete|failed)$/;

type Json = Record<string, any>;
interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const PARAMETERS = { type: 'object', properties: { q: { type: 'string' } } };
const NAMES = ['get_weather', 'lookup'];
const responsesBody = (tools: boolean): Json => ({
  model: 'fake-model',
  input: 'hi',
  stream: true,
  ...(tools && {
    tools: NAMES.map((name) => ({
      type: 'function',
      name,
      parameters: PARAMETERS,
    })),
  }),
});
const chatBody = (tools: boolean, includeUsage: boolean): Json => ({
  model: 'fake-model',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
  ...(includeUsage && { stream_options: { include_usage: true } }),
  ...(tools && {
    tools: NAMES.map((name) => ({
      type: 'function',
      function: { name, parameters: PARAMETERS },
    })),
  }),
});

/**
 * Records what escaped the gateway's own error handling. An uncaught
 * exception ends the process (Node's default, and main.ts's last-resort
 * handler exits after draining); an unhandled rejection is a failure no
 * request reported. With these listeners the vitest worker survives both,
 * so each is reported as a failure of the case that caused it, and that
 * case's request is aborted at once rather than left to time out.
 */
function watchForCrashes() {
  const seen: string[] = [];
  let controller = new AbortController();
  const recorder = (event: string) => (error: unknown) => {
    const text =
      error instanceof Error ? (error.stack ?? error.message) : String(error);
    seen.push(`${event}: ${text.split('\n').slice(0, 4).join('\n')}`);
    controller.abort(new Error(`${event} in the process`));
    controller = new AbortController();
  };
  const listeners = {
    uncaughtException: recorder('uncaughtException (the process exits)'),
    unhandledRejection: recorder('unhandledRejection'),
  };
  process.on('uncaughtException', listeners.uncaughtException);
  process.on('unhandledRejection', listeners.unhandledRejection);
  return {
    seen,
    signal: () => controller.signal,
    stop: () => {
      process.off('uncaughtException', listeners.uncaughtException);
      process.off('unhandledRejection', listeners.unhandledRejection);
    },
  };
}

/** POSTs JSON on a connection of its own and reads the whole answer; rejects on a reset, a hang or `abort`. */
async function post(
  url: string,
  body: unknown,
  abort: AbortSignal,
): Promise<Answer> {
  const signal = AbortSignal.any([
    abort,
    AbortSignal.timeout(CLIENT_TIMEOUT_MS),
  ]);
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
      reset: true, // `connection: close`: no case inherits another's socket
    });
    const contentType = String(res.headers['content-type'] ?? '');
    return { status: res.statusCode, contentType, text: await res.body.text() };
  } catch (error) {
    const what = signal.aborted
      ? `no complete answer: ${String(signal.reason)}`
      : `connection failed: ${String(error)}`;
    throw new Error(what, { cause: error });
  }
}

const parse = (data: string): Json | undefined => {
  try {
    return JSON.parse(data) as Json;
  } catch {
    return undefined;
  }
};

/** Problems of an HTTP error (4xx/5xx, OpenAI body), or of a 200 SSE body's framing. */
function envelopeProblems({ status, contentType, text }: Answer): string[] {
  const head = `HTTP ${status} ${text.slice(0, 200)}`;
  if (status === 200) {
    if (!contentType.includes('text/event-stream')) {
      return [`${head}: 200 with content-type ${contentType}`];
    }
    return text.endsWith('\n\n')
      ? []
      : [`truncated frame: …${text.slice(-80)}`];
  }
  if (
    status < 400 ||
    status > 599 ||
    !contentType.includes('application/json')
  ) {
    return [
      `${head}: not a 200, nor a 4xx/5xx with a JSON body (${contentType})`,
    ];
  }
  return validateErrorBody(parse(text)).map((e) => `${head}: ${e}`);
}

/** The events of a Responses stream, and everything wrong with it. */
function responsesStream(answer: Answer): {
  events: Json[];
  problems: string[];
} {
  const problems = envelopeProblems(answer);
  if (answer.status !== 200) {
    return { events: [], problems };
  }
  const data = sseDataOf(answer.text);
  const events = (data.at(-1) === '[DONE]' ? data.slice(0, -1) : data).map(
    (d) => parse(d) ?? { unparsable: d.slice(0, 120) },
  );
  events.forEach((event, i) => {
    problems.push(
      ...validateStreamEvent(event)
        .slice(0, 3)
        .map((e) => `event #${i} ${e}`),
    );
    const [previous, sequence] = [
      events[i - 1]?.['sequence_number'],
      event['sequence_number'],
    ];
    if (i === 0 ? sequence !== 0 : !(sequence > previous)) {
      problems.push(
        `event #${i}: sequence_number ${sequence} after ${previous}`,
      );
    }
  });
  const terminals = events.filter((e) => TERMINAL.test(String(e['type'])));
  if (terminals.length !== 1 || terminals[0] !== events.at(-1)) {
    const types = events.map((e) => e['type']).join(',');
    problems.push(
      `${terminals.length} terminal events, not one at the end: ${types}`,
    );
  }
  return { events, problems };
}

const isErrorFrame = (chunk: Json): boolean =>
  chunk['error'] !== undefined && chunk['error'] !== null;

/** The chunks of a chat stream (its last one may be an error frame), and everything wrong with it. */
function chatStream(answer: Answer): { chunks: Json[]; problems: string[] } {
  const problems = envelopeProblems(answer);
  if (answer.status !== 200) {
    return { chunks: [], problems };
  }
  const data = sseDataOf(answer.text);
  const done = data.at(-1) === '[DONE]';
  const chunks = (done ? data.slice(0, -1) : data).map((d) => {
    const chunk = parse(d);
    if (chunk === undefined) {
      problems.push(`data line is not JSON: ${d.slice(0, 120)}`);
    }
    return chunk ?? {};
  });
  const errorAt = chunks.findIndex((c) => isErrorFrame(c));
  if (errorAt >= 0 && (done || errorAt !== chunks.length - 1)) {
    problems.push(
      `error frame #${errorAt} of ${chunks.length} is not the last (then [DONE]: ${done})`,
    );
  } else if (errorAt >= 0) {
    problems.push(
      ...validateErrorBody(chunks.at(-1)).map((e) => `error frame ${e}`),
    );
  } else if (!done) {
    problems.push(
      `ends with neither [DONE] nor an error frame: ${data.at(-1)}`,
    );
  }
  return { chunks, problems };
}

/** The text a client gets, and each call's arguments, from a Response. */
function responseOutput(response: Json | undefined) {
  const output: Json[] = response?.['output'] ?? [];
  const of = (type: string) => output.filter((item) => item['type'] === type);
  const parts = of('message').flatMap((item) => item['content']);
  return {
    text: parts.map((part: Json) => part['text'] ?? '').join(''),
    calls: of('function_call').map((call) => call['arguments']),
  };
}

/** The same from chat chunks: content concatenated, arguments joined per call index. */
function chatOutput(chunks: Json[]) {
  const deltas: Json[] = chunks.flatMap((c) =>
    (c['choices'] ?? []).map((choice: Json) => choice['delta'] ?? {}),
  );
  const calls = new Map<number, string>();
  for (const call of deltas.flatMap((d) => d['tool_calls'] ?? [])) {
    calls.set(
      call.index,
      (calls.get(call.index) ?? '') + (call.function?.arguments ?? ''),
    );
  }
  return {
    text: deltas.map((d) => d['content'] ?? '').join(''),
    calls: [...calls.values()],
  };
}

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
