import { chunk, completion, textStream } from '../../support/chat-chunks.js';
import type { FakeReply } from '../../support/fake-upstream.js';
import type { Endpoint } from './answers.js';

/**
 * The upstream-fault matrix of upstream-faults.e2e-spec.ts: what the
 * upstream does, and how each endpoint must end, streamed and not (see
 * Outcome for the summaries).
 */

/**
 * Pause between upstream chunks in the mid-stream cases, so the first event
 * has reached the client before the fault: a fault that lands before the
 * first write is still answered as an HTTP error, which is correct too.
 */
export const PACE_MS = 50;

export type FaultGateway = 'main' | 'refused' | 'dns' | 'retrying';

export interface FaultCase {
  name: string;
  gateway: FaultGateway;
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

export const FAULT_CASES: FaultCase[] = [
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
