import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { completion, textStream } from '../support/chat-chunks.js';
import { playBackend } from '../support/dialects/dialect-client.js';
import {
  BACKENDS,
  TOOL_SCHEMAS,
  needsTools,
  type DialectScenario,
  type SuccessExpectation,
} from '../support/dialects/index.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import {
  expectWellFormedStream,
  plainContent,
  withoutPings,
} from '../support/messages-event-order.js';
import { ISSUED_TOOL_USE_ID, upstreamIdOf } from '../support/messages-http.js';
import {
  anthropicClient,
  comparable,
  sseFrames,
  streamMessage,
  toolUseIdOf,
} from '../support/messages-sdk.js';

const MODEL = 'fake-model';
const TOOLS: Anthropic.Tool[] = Object.entries(TOOL_SCHEMAS).map(
  ([name, schema]) => ({
    name,
    input_schema: JSON.parse(
      JSON.stringify(schema),
    ) as Anthropic.Tool['input_schema'],
  }),
);

function dialectParams(
  scenario: DialectScenario,
): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model: MODEL,
    max_tokens: 1024,
    messages: [{ role: 'user', content: 'Hello there' }],
    ...(needsTools(scenario.name) ? { tools: TOOLS } : {}),
  };
}

/** The message a dialect scenario must come out as, through the SDK. */
function expectDialectMessage(
  message: Anthropic.Message,
  exp: SuccessExpectation,
): void {
  expect(message).toMatchObject({
    type: 'message',
    role: 'assistant',
    model: MODEL,
    stop_reason: exp.calls.length > 0 ? 'tool_use' : 'end_turn',
    stop_sequence: null,
  });
  expect(message.id).toMatch(/^msg_[A-Za-z0-9_-]+$/);
  const expected: unknown[] = [];
  if (exp.reasoning !== undefined) {
    expected.push({
      type: 'thinking',
      thinking: exp.reasoning,
      signature: expect.stringMatching(/.+/),
    });
  }
  if (exp.text !== '') {
    expected.push({ type: 'text', text: exp.text });
  }
  for (const call of exp.calls) {
    expected.push({
      type: 'tool_use',
      id:
        call.id === undefined
          ? expect.stringMatching(ISSUED_TOOL_USE_ID)
          : toolUseIdOf(call.id),
      name: call.name,
      input: JSON.parse(call.arguments),
    });
  }
  expect(plainContent(message)).toEqual(expected);
  const ids = message.content.flatMap((b) =>
    b.type === 'tool_use' ? [b.id] : [],
  );
  expect(new Set(ids).size, 'tool_use ids are distinct').toBe(ids.length);
  expect(message.usage).toMatchObject({
    input_tokens: exp.usage.input,
    output_tokens: exp.usage.output,
  });
}

/**
 * tool_use ids differ between two answers (each ends in a random part):
 * compare the upstream ids they carry, and the rest; a call the gateway
 * made an id up for has none to compare.
 */
function withUpstreamIds(
  message: Anthropic.Message,
  exp: SuccessExpectation,
): unknown {
  const plain = comparable(message) as {
    content: { type: string; id?: string }[];
  };
  let call = 0;
  for (const block of plain.content) {
    if (block.type === 'tool_use') {
      block.id =
        exp.calls[call]?.id === undefined ? 'made-up' : upstreamIdOf(block.id!);
      call += 1;
    }
  }
  return plain;
}

describe('/v1/messages through the official Anthropic SDK', () => {
  const harness = useGatewayWithUpstream({
    env: { UPSTREAM_MAX_RETRIES: '0' },
  });
  const client = (): Anthropic => anthropicClient(harness.gateway);

  it('messages.create answers a message with the text, usage and stop reason', async () => {
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'Hello from upstream' }),
    });
    const message = await client().messages.create({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.id).toMatch(/^msg_[A-Za-z0-9_-]+$/);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: 'Hello from upstream' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 20 },
    });
    const upstream = harness.upstream.chatRequests;
    expect(upstream).toHaveLength(1);
    expect(upstream[0]!.body).toMatchObject({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(upstream[0]!.body.stream).not.toBe(true);
  });

  it('gives every message its own id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const message = await client().messages.create({
        model: MODEL,
        max_tokens: 16,
        messages: [{ role: 'user', content: `hi ${i}` }],
      });
      ids.add(message.id);
    }
    expect(ids.size).toBe(3);
  });

  it('streams events whose `event:` line is their type, ending with message_stop', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['Hel', 'lo', ' there']),
    });
    const response = await fetch(`${harness.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': 'sk-test',
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify({
        model: MODEL,
        max_tokens: 64,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const frames = await sseFrames(response);
    const events = frames.map(
      (frame) => JSON.parse(frame.data) as { type: string },
    );
    frames.forEach((frame, i) => {
      expect(frame.event, `frame ${i}`).toBe(events[i]!.type);
    });
    expect(frames.some((frame) => frame.data === '[DONE]')).toBe(false);
    const blocks = expectWellFormedStream(withoutPings(events));
    expect(blocks).toEqual([{ type: 'text', text: 'Hello there' }]);
    const delta = events.at(-2) as Anthropic.RawMessageDeltaEvent;
    expect(delta.delta.stop_reason).toBe('end_turn');
    expect(delta.usage).toMatchObject({ input_tokens: 10, output_tokens: 20 });
    expect(harness.upstream.chatRequests[0]!.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('accepts ?beta=true and the anthropic-beta header (client.beta.messages)', async () => {
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'beta ok' }),
    });
    const message = await client().beta.messages.create({
      model: MODEL,
      max_tokens: 32,
      messages: [{ role: 'user', content: 'hi' }],
      betas: ['interleaved-thinking-2025-05-14'],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'beta ok' }]);
    const streamed = await client()
      .beta.messages.stream({
        model: MODEL,
        max_tokens: 32,
        messages: [{ role: 'user', content: 'hi' }],
        betas: ['interleaved-thinking-2025-05-14'],
      })
      .finalMessage();
    expect(streamed.content).toEqual([{ type: 'text', text: 'echo: hi' }]);
    expect(harness.upstream.chatRequests).toHaveLength(2);
  });

  describe('count_tokens', () => {
    it('estimates input tokens, growing with the prompt, without an upstream call', async () => {
      const count = (text: string) =>
        client().messages.countTokens({
          model: MODEL,
          messages: [{ role: 'user', content: text }],
        });
      const short = await count('hello');
      const long = await count('hello '.repeat(400));
      expect(Object.keys(short)).toEqual(['input_tokens']);
      expect(short.input_tokens).toBeGreaterThan(0);
      expect(long.input_tokens).toBeGreaterThan(short.input_tokens + 100);
      const withTools = await client().messages.countTokens({
        model: MODEL,
        system: 'You are terse.',
        tools: TOOLS,
        messages: [{ role: 'user', content: 'hello' }],
      });
      expect(withTools.input_tokens).toBeGreaterThan(short.input_tokens);
      expect(harness.upstream.chatRequests).toHaveLength(0);
    });
  });

  describe.each(BACKENDS)('$name dialect', (backend) => {
    const scenarios = backend.scenarios.filter((s) => s.expect.kind === 'ok');
    it.each(scenarios)(
      '$name: create and stream give the same message',
      async (scenario) => {
        const exp = scenario.expect as SuccessExpectation;
        harness.upstream.setHandler(playBackend(scenario));
        const created = await client().messages.create(dialectParams(scenario));
        expectDialectMessage(created, exp);
        const { events, message } = await streamMessage(
          client(),
          dialectParams(scenario),
        );
        expectDialectMessage(message, exp);
        const blocks = expectWellFormedStream(events);
        expect(plainContent(message), 'SDK fold = event fold').toEqual(blocks);
        expect(withUpstreamIds(message, exp)).toEqual(
          withUpstreamIds(created, exp),
        );
        const [plain, streamed] = harness.upstream.chatRequests;
        expect(plain!.body.stream).not.toBe(true);
        expect(streamed!.body.stream).toBe(true);
      },
    );
  });
});
