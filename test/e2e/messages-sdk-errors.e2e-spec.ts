import Anthropic, {
  APIError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { chunk } from '../support/chat-chunks.js';
import { playBackend } from '../support/dialects/dialect-client.js';
import {
  BACKENDS,
  type DialectScenario,
  type ErrorExpectation,
} from '../support/dialects/index.js';
import type { FakeReply } from '../support/fake-upstream.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import {
  anthropicClient,
  ERROR_TYPE_OF_STATUS,
  expectAnthropicError,
  expectAnthropicErrorBody,
  sseFrames,
} from '../support/messages-sdk.js';

const MODEL = 'fake-model';
const PARAMS: Anthropic.MessageCreateParamsNonStreaming = {
  model: MODEL,
  max_tokens: 64,
  messages: [{ role: 'user', content: 'hi' }],
};

type ErrorClass = new (...args: never[]) => APIError;

/** The SDK error class of each HTTP status (its STATUS_ERROR_CLASSES). */
const CLASS_OF_STATUS: Record<number, ErrorClass> = {
  400: BadRequestError,
  404: NotFoundError,
  429: RateLimitError,
  500: InternalServerError,
};

/** `call` must fail with the SDK's error of `status`, in Anthropic's shape. */
async function expectSdkError(
  call: Promise<unknown>,
  status: number,
): Promise<APIError> {
  const error = await call.then(
    (value) => {
      throw new Error(`expected HTTP ${status}, got ${JSON.stringify(value)}`);
    },
    (failure: unknown) => failure,
  );
  expect(error, String(error)).toBeInstanceOf(CLASS_OF_STATUS[status]!);
  const apiError = error as APIError;
  expect(apiError.status).toBe(status);
  expect(apiError.type).toBe(ERROR_TYPE_OF_STATUS[status]);
  expectAnthropicError(apiError.error, ERROR_TYPE_OF_STATUS[status]!);
  return apiError;
}

describe('/v1/messages errors through the Anthropic SDK', () => {
  const harness = useGatewayWithUpstream({
    env: { UPSTREAM_MAX_RETRIES: '0' },
  });
  const client = (): Anthropic => anthropicClient(harness.gateway);
  const MODES = ['create', 'stream'] as const;
  const ask = (mode: (typeof MODES)[number]): Promise<unknown> =>
    mode === 'create'
      ? client().messages.create(PARAMS)
      : client().messages.stream(PARAMS).finalMessage();

  describe.each([
    [500, { error: { message: 'engine crashed', type: 'server_error' } }],
    [429, { error: { message: 'too many requests', type: 'rate_limit' } }],
    [
      400,
      {
        error: {
          message: "'temperature' out of range",
          type: 'BadRequestError',
        },
      },
    ],
  ])('an upstream %i before the answer', (status, body) => {
    it.each(MODES)('is the SDK error of that status (%s)', async (mode) => {
      harness.upstream.enqueue({ kind: 'error', status, body });
      const error = await expectSdkError(ask(mode), status);
      expect(error.apiMessage).toContain(body.error.message);
      expect(harness.upstream.chatRequests).toHaveLength(1);
    });

    it('is a JSON body in Anthropic shape, even for stream: true', async () => {
      harness.upstream.enqueue({ kind: 'error', status, body });
      const response = await fetch(`${harness.gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...PARAMS, stream: true }),
      });
      const message = await expectAnthropicErrorBody(response, status);
      expect(message).toContain(body.error.message);
    });
  });

  const scenarios = (name: DialectScenario['name']) =>
    BACKENDS.map((backend) => ({
      backend: backend.name,
      scenario: backend.scenarios.find((s) => s.name === name)!,
    }));

  describe.each(scenarios('error before streaming'))(
    '$backend error before streaming',
    ({ scenario }) => {
      it.each(MODES)('keeps its status and message (%s)', async (mode) => {
        const exp = scenario.expect as ErrorExpectation;
        harness.upstream.setHandler(playBackend(scenario));
        const error = await expectSdkError(ask(mode), exp.status);
        expect(error.apiMessage).toContain(exp.messageIncludes);
      });
    },
  );

  describe.each(scenarios('context overflow'))(
    '$backend context overflow',
    ({ scenario }) => {
      it.each(MODES)(
        'is 400 invalid_request_error "prompt is too long…" (%s)',
        async (mode) => {
          harness.upstream.setHandler(playBackend(scenario));
          const error = await expectSdkError(ask(mode), 400);
          // With the numbers where the backend gives them (not Ollama).
          expect(error.apiMessage).toMatch(
            /^prompt is too long: (\d+ tokens > \d+ maximum$|the prompt)/,
          );
        },
      );
    },
  );

  it('words a vLLM overflow as Anthropic does, with both numbers', async () => {
    harness.upstream.enqueue({
      kind: 'error',
      status: 400,
      body: {
        object: 'error',
        message:
          "This model's maximum context length is 32768 tokens. However, you requested 40960 tokens (39936 in the messages, 1024 in the completion). Please reduce the length of the messages or completion.",
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
    });
    const error = await expectSdkError(client().messages.create(PARAMS), 400);
    // The prompt's own tokens, as Anthropic counts them.
    expect(error.apiMessage).toBe(
      'prompt is too long: 39936 tokens > 32768 maximum',
    );
  });

  it('words an overflow caused by max_tokens as Anthropic does, so Claude Code lowers it', async () => {
    harness.upstream.enqueue({
      kind: 'error',
      status: 400,
      body: {
        object: 'error',
        message:
          "'max_tokens' or 'max_completion_tokens' is too large: 32000. This model's maximum context length is 8192 tokens and your request has 1000 input tokens (32000 > 8192 - 1000). (parameter=max_tokens, value=32000)",
        type: 'BadRequestError',
        param: 'max_tokens',
        code: 400,
      },
    });
    const error = await expectSdkError(client().messages.create(PARAMS), 400);
    expect(error.apiMessage).toBe(
      'input length and `max_tokens` exceed context limit: 1000 + 32000 > 8192, decrease input length or `max_tokens` and try again',
    );
  });

  describe('an upstream that fails mid-stream', () => {
    const firstThenStall: FakeReply = {
      kind: 'stream',
      chunks: [
        chunk({ role: 'assistant', content: 'first' }),
        chunk({ content: 'never' }),
      ],
      stallAfter: 1,
    };

    it('ends the SSE with one error event of type api_error, and no message_stop', async () => {
      harness.upstream.enqueue(firstThenStall);
      const response = await fetch(`${harness.gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...PARAMS, stream: true }),
      });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      let head = '';
      while (!head.includes('"first"')) {
        const { value, done } = await reader.read();
        expect(done, 'the first text arrives before the upstream dies').toBe(
          false,
        );
        head += new TextDecoder().decode(value);
      }
      // Only once the first text reached the client does the upstream die.
      harness.upstream.dropConnections();
      let rest = '';
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        rest += new TextDecoder().decode(r.value);
      }
      const frames = await sseFrames(new Response(head + rest));
      const errors = frames.filter((frame) => frame.event === 'error');
      expect(errors).toHaveLength(1);
      expect(frames.at(-1)).toBe(errors[0]);
      expect(frames.map((f) => f.event)).not.toContain('message_stop');
      expectAnthropicError(JSON.parse(errors[0]!.data), 'api_error');
      expect(rest).not.toContain('never');
    });

    it("rejects the SDK's stream with an APIError of type api_error", async () => {
      harness.upstream.enqueue(firstThenStall);
      const stream = client().messages.stream(PARAMS);
      stream.on('text', () => harness.upstream.dropConnections());
      const error = await stream.finalMessage().then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).type).toBe('api_error');
      expectAnthropicError((error as APIError).error, 'api_error');
    });

    it('turns an in-band upstream error into the error event too', async () => {
      harness.upstream.enqueue({
        kind: 'stream',
        chunks: [
          chunk({ role: 'assistant', content: 'first' }),
          {
            error: { message: 'engine died', type: 'server_error', code: 500 },
          },
          chunk({ content: 'never' }),
        ],
      });
      const response = await fetch(`${harness.gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...PARAMS, stream: true }),
      });
      const frames = await sseFrames(response);
      const last = frames.at(-1)!;
      expect(last.event).toBe('error');
      const body = JSON.parse(last.data) as { error: { message: string } };
      expectAnthropicError(body, 'api_error');
      expect(body.error.message).toContain('engine died');
      expect(frames.map((f) => f.data).join()).not.toContain('never');
    });
  });
});
