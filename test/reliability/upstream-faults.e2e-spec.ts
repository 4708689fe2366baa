import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chunk, completion, textStream } from '../support/chat-chunks.js';
import { closedPort } from '../support/error-expectations.js';
import { FakeUpstream, type FakeReply } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { waitUntil } from '../support/wait-until.js';
import type { Endpoint } from './support/answers.js';
import { observe } from './support/outcome.js';

/**
 * The upstream-fault matrix for /v1/responses and /v1/chat/completions,
 * streaming and not. A fault before the first byte is an HTTP error with an
 * OpenAI body; after it, a terminal `response.failed` (Responses) or one
 * final `data: {"error":…}` (chat). Every case ends within its timeout plus
 * a generous margin (the measured times are printed, never asserted tightly),
 * and nothing leaks: no upstream socket and no timer outlives the gateways.
 */
const READ_TIMEOUT_MS = 500;
/** Upper bound asserted on top of a case's own timeout: generous, never the thing under test. */
const MARGIN_MS = 5_000;
/**
 * Pause between upstream chunks in the mid-stream cases, so the first event
 * has reached the client before the fault: a fault that lands before the
 * first write is still answered as an HTTP error, which is correct too.
 */
const PACE_MS = 50;

type Gateway = 'main' | 'refused' | 'dns' | 'retrying';

interface FaultCase {
  name: string;
  gateway: Gateway;
  /** What the upstream does, for a streaming and a non-streaming request. */
  replies?: (stream: boolean) => FakeReply[];
  /** Expected summaries (see Outcome) for [stream, non-stream]. */
  expect: Record<Endpoint, [string, string | null]>;
  /** The case waits for the read timeout. */
  timeout?: boolean;
  /** How many times the upstream is asked; the case checks it. */
  attempts?: number;
}

const openAiError = (message: string, type: string, code: string) => ({
  error: { message, type, param: null, code },
});
const first = chunk({ role: 'assistant', content: 'first' });
const same = (summary: string): Record<Endpoint, [string, string]> => ({
  responses: [summary, summary],
  chat: [summary, summary],
});
const tooManyRequests: FakeReply = {
  kind: 'error',
  status: 429,
  body: openAiError('slow down', 'rate_limit_error', 'rate_limit_exceeded'),
  headers: { 'retry-after': '0' },
};

const CASES: FaultCase[] = [
  {
    name: 'refused connection',
    gateway: 'refused',
    expect: same('HTTP 502 upstream_unreachable'),
  },
  {
    name: 'DNS failure (.invalid)',
    gateway: 'dns',
    expect: same('HTTP 502 upstream_unreachable'),
  },
  {
    name: '500 with an OpenAI body',
    gateway: 'main',
    replies: () => [
      {
        kind: 'error',
        status: 500,
        body: openAiError('engine down', 'server_error', 'engine_down'),
      },
    ],
    expect: same('HTTP 500 engine_down'),
  },
  {
    name: '500 without a body',
    gateway: 'main',
    replies: () => [{ kind: 'error', status: 500 }],
    expect: same('HTTP 500 upstream_error'),
  },
  {
    name: '429 with an OpenAI body',
    gateway: 'main',
    replies: () => [tooManyRequests],
    expect: same('HTTP 429 rate_limit_exceeded'),
  },
  {
    name: '429 without a body',
    gateway: 'main',
    replies: () => [{ kind: 'error', status: 429 }],
    expect: same('HTTP 429 rate_limit_exceeded'),
  },
  {
    name: '429 twice, then an answer (2 retries)',
    gateway: 'retrying',
    replies: (stream) => [
      tooManyRequests,
      tooManyRequests,
      stream
        ? { kind: 'stream', chunks: textStream(['ok']) }
        : { kind: 'json', body: completion({ content: 'ok', refusal: null }) },
    ],
    expect: same('completed'),
    attempts: 3,
  },
  {
    name: '429 three times (2 retries)',
    gateway: 'retrying',
    replies: () => [tooManyRequests, tooManyRequests, tooManyRequests],
    expect: same('HTTP 429 rate_limit_exceeded'),
    attempts: 3,
  },
  {
    name: 'stall before the headers',
    gateway: 'main',
    replies: () => [{ kind: 'stall' }],
    expect: same('HTTP 504 upstream_timeout'),
    timeout: true,
  },
  {
    name: 'stall mid-stream (mid-body when not streaming)',
    gateway: 'main',
    replies: (stream) => [
      stream
        ? {
            kind: 'stream',
            chunks: [first, chunk({ content: 'x' })],
            stallAfter: 1,
          }
        : {
            kind: 'stream',
            chunks: ['{"id":"chatcmpl-1",', '"x":1}'],
            stallAfter: 1,
          },
    ],
    expect: {
      responses: ['response.failed server_error', 'HTTP 504 upstream_timeout'],
      chat: ['error upstream_timeout', 'HTTP 504 upstream_timeout'],
    },
    timeout: true,
  },
  {
    name: 'truncated SSE: socket closed mid-event (mid-body when not streaming)',
    gateway: 'main',
    replies: (stream) => [
      stream
        ? {
            kind: 'stream',
            chunks: [first, 'data: {"id":"chatcmpl-fake","object":"chat.comp'],
            disconnectAfter: 2,
            intervalMs: PACE_MS,
          }
        : {
            kind: 'stream',
            chunks: ['{"id":"chatcmpl-1",'],
            disconnectAfter: 1,
          },
    ],
    expect: {
      responses: [
        'response.failed server_error',
        'HTTP 502 upstream_unreachable',
      ],
      chat: ['error upstream_unreachable', 'HTTP 502 upstream_unreachable'],
    },
  },
  {
    name: 'malformed JSON chunk (a body that is not JSON when not streaming)',
    gateway: 'main',
    replies: (stream) => [
      stream
        ? {
            kind: 'stream',
            chunks: [first, 'data: {"choices": [\n\n'],
            intervalMs: PACE_MS,
          }
        : { kind: 'error', status: 200, body: 'not json' },
    ],
    expect: {
      responses: [
        'response.failed server_error',
        'HTTP 502 upstream_bad_response',
      ],
      chat: ['error upstream_bad_response', 'HTTP 502 upstream_bad_response'],
    },
  },
  {
    name: 'malformed first chunk (streaming only)',
    gateway: 'main',
    replies: () => [{ kind: 'stream', chunks: ['data: {"choices": [\n\n'] }],
    expect: {
      responses: ['HTTP 502 upstream_bad_response', null],
      chat: ['HTTP 502 upstream_bad_response', null],
    },
  },
  {
    name: 'stream ends without [DONE] or finish_reason (streaming only)',
    gateway: 'main',
    replies: () => [
      {
        kind: 'stream',
        chunks: [first, chunk({ content: 'x' })],
        done: false,
        intervalMs: PACE_MS,
      },
    ],
    expect: {
      responses: ['response.failed server_error', null],
      chat: ['error upstream_bad_response', null],
    },
  },
  {
    // Tolerated by design: some servers send bare usage chunks without
    // `choices` (see chat-sse.parser.ts), so the chunk is skipped.
    name: 'a chunk without choices (a completion without choices when not streaming)',
    gateway: 'main',
    replies: (stream) => [
      stream
        ? {
            kind: 'stream',
            chunks: [
              first,
              {
                id: 'chatcmpl-fake',
                object: 'chat.completion.chunk',
                created: 1,
                model: 'fake-model',
              },
              chunk({}, 'stop'),
            ],
          }
        : {
            kind: 'json',
            body: {
              id: 'chatcmpl-1',
              object: 'chat.completion',
              created: 1,
              model: 'fake-model',
            },
          },
    ],
    expect: {
      responses: ['completed', 'HTTP 502 upstream_bad_response'],
      chat: ['completed', 'HTTP 502 upstream_bad_response'],
    },
  },
];

interface Row {
  fault: string;
  endpoint: Endpoint;
  stream: boolean;
  summary: string;
  elapsedMs: number;
}

describe('upstream faults', () => {
  let upstream: FakeUpstream;
  const gateways = {} as Record<Gateway, RunningGateway>;
  const rows: Row[] = [];
  let timeoutsBefore = 0;
  let peakTimeouts = 0;
  let timers = '';

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    timeoutsBefore = activeTimeouts();
    const base = {
      UPSTREAM_MAX_RETRIES: '0',
      UPSTREAM_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS),
    };
    gateways.main = await startGateway({
      ...base,
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
    gateways.refused = await startGateway({
      ...base,
      OPENAI_BASE_URL_INTERNAL: `http://127.0.0.1:${await closedPort()}/v1`,
    });
    gateways.dns = await startGateway({
      ...base,
      OPENAI_BASE_URL_INTERNAL: 'http://no-such-upstream.invalid/v1',
    });
    gateways.retrying = await startGateway({
      ...base,
      UPSTREAM_MAX_RETRIES: '2',
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
  });
  let closing: Promise<unknown> | undefined;
  const closeGateways = () =>
    (closing ??= Promise.all(Object.values(gateways).map((g) => g.close())));
  afterAll(async () => {
    await closeGateways();
    await upstream?.close();
    console.info(
      `upstream faults: time from request to the end of the answer (read timeout ${READ_TIMEOUT_MS} ms)\n${rows
        .map(
          (r) =>
            `  ${String(r.elapsedMs).padStart(5)} ms  ${r.endpoint} ${r.stream ? 'stream' : 'json  '}  ${r.fault} → ${r.summary}`,
        )
        .join('\n')}\n  ${timers}`,
    );
  });
  beforeEach(() => upstream.reset());

  const matrix = CASES.flatMap((fault) =>
    (['responses', 'chat'] as const).flatMap((endpoint) =>
      ([true, false] as const).flatMap((stream) => {
        const expected = fault.expect[endpoint][stream ? 0 : 1];
        return expected === null ? [] : [{ fault, endpoint, stream, expected }];
      }),
    ),
  );

  it.each(
    matrix.map(
      (m) =>
        [m.fault.name, m.endpoint, m.stream ? 'stream' : 'json', m] as const,
    ),
  )(
    '%s: %s %s',
    async (_name, _endpoint, _mode, { fault, endpoint, stream, expected }) => {
      upstream.enqueue(...(fault.replies?.(stream) ?? []));
      const outcome = await observe(
        gateways[fault.gateway].url,
        endpoint,
        stream,
      );
      peakTimeouts = Math.max(peakTimeouts, activeTimeouts());
      rows.push({
        fault: fault.name,
        endpoint,
        stream,
        summary: outcome.summary,
        elapsedMs: outcome.elapsedMs,
      });
      expect(outcome.summary).toBe(expected);
      expect(outcome.problems).toEqual([]);
      expect(outcome.elapsedMs).toBeLessThan(
        (fault.timeout ? READ_TIMEOUT_MS : 0) + MARGIN_MS,
      );
      if (fault.attempts !== undefined) {
        expect(upstream.chatRequests).toHaveLength(fault.attempts);
      }
      if (fault.timeout) {
        // The gateway hung up on the silent upstream instead of waiting on.
        await upstream.waitForAborts(1);
      }
    },
  );

  it('leaves no upstream socket and no timer behind once the gateways closed', async () => {
    await closeGateways();
    await waitUntil(
      () => upstream.openSockets === 0,
      () => `upstream sockets to close (${upstream.openSockets} open)`,
    );
    // Timers that end with a request (read timeouts, keepalives, retry
    // waits) must all be gone; compare with the count before any gateway.
    await waitUntil(
      () => activeTimeouts() <= timeoutsBefore,
      () =>
        `timers to end (${activeTimeouts()} now, ${timeoutsBefore} before the gateways)`,
    );
    timers = `Timeout handles: ${timeoutsBefore} before the gateways, up to ${peakTimeouts} during the matrix, ${activeTimeouts()} after they closed`;
  });
});

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}
