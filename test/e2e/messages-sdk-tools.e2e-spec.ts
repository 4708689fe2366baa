import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import {
  chunk,
  completion,
  textStream,
  usageChunk,
} from '../support/chat-chunks.js';
import type { FakeReply } from '../support/fake-upstream.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import {
  expectWellFormedStream,
  plainContent,
} from '../support/messages-event-order.js';
import {
  anthropicClient,
  streamMessage,
  toolUseIdOf,
} from '../support/messages-sdk.js';

const MODEL = 'fake-model';
const TOOLS: Anthropic.Tool[] = [
  {
    name: 'get_weather',
    input_schema: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    },
  },
  {
    name: 'get_time',
    input_schema: {
      type: 'object',
      properties: { timezone: { type: 'string' } },
    },
  },
];

// Ids as backends write them; the second is Kimi's, outside [A-Za-z0-9_-].
const WEATHER_ID = 'call_9f8e7d6c5b4a';
const TIME_ID = 'functions.get_time:1';
const WEATHER_INPUT = {
  city: 'Paris',
  days: [1, 2, 3],
  note: 'a "quoted" \\ value, ünïcode ✓',
  nested: { metric: true, limit: null },
};
const TIME_INPUT = { timezone: 'Europe/Paris' };

/** `text` cut into pieces of 1, 2, 3, 1, 2, 3… characters. */
function smallPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let at = 0, size = 1; at < text.length; size = (size % 3) + 1) {
    pieces.push(text.slice(at, at + size));
    at += size;
  }
  return pieces;
}

/**
 * Two calls streamed the way a busy backend may: both heads first, then
 * their argument pieces alternating between index 0 and index 1.
 */
function interleavedCalls(): Record<string, unknown>[] {
  const weather = smallPieces(JSON.stringify(WEATHER_INPUT));
  const time = smallPieces(JSON.stringify(TIME_INPUT));
  const chunks = [
    chunk({ role: 'assistant', content: null }),
    chunk({
      tool_calls: [
        {
          index: 0,
          id: WEATHER_ID,
          type: 'function',
          function: { name: 'get_weather', arguments: '' },
        },
      ],
    }),
    chunk({
      tool_calls: [
        {
          index: 1,
          id: TIME_ID,
          type: 'function',
          function: { name: 'get_time', arguments: '' },
        },
      ],
    }),
  ];
  for (let i = 0; i < Math.max(weather.length, time.length); i++) {
    for (const [index, pieces] of [weather, time].entries()) {
      if (pieces[i] !== undefined) {
        chunks.push(
          chunk({
            tool_calls: [{ index, function: { arguments: pieces[i] } }],
          }),
        );
      }
    }
  }
  return [...chunks, chunk({}, 'tool_calls'), usageChunk(40, 12)];
}

const CALLS_JSON: FakeReply = {
  kind: 'json',
  body: completion(
    {
      content: null,
      tool_calls: [
        {
          id: WEATHER_ID,
          type: 'function',
          function: {
            name: 'get_weather',
            arguments: JSON.stringify(WEATHER_INPUT),
          },
        },
        {
          id: TIME_ID,
          type: 'function',
          function: {
            name: 'get_time',
            arguments: JSON.stringify(TIME_INPUT),
          },
        },
      ],
    },
    'tool_calls',
  ),
};

const EXPECTED_CALLS = [
  {
    type: 'tool_use',
    id: toolUseIdOf(WEATHER_ID),
    name: 'get_weather',
    input: WEATHER_INPUT,
  },
  {
    type: 'tool_use',
    id: toolUseIdOf(TIME_ID),
    name: 'get_time',
    input: TIME_INPUT,
  },
];

describe('/v1/messages tool use and thinking through the Anthropic SDK', () => {
  const harness = useGatewayWithUpstream({
    env: { UPSTREAM_MAX_RETRIES: '0' },
  });
  const client = (): Anthropic => anthropicClient(harness.gateway);
  const question: Anthropic.MessageParam = {
    role: 'user',
    content: 'Weather and time in Paris?',
  };
  const params = (
    messages: Anthropic.MessageParam[],
  ): Anthropic.MessageCreateParamsNonStreaming => ({
    model: MODEL,
    max_tokens: 512,
    tools: TOOLS,
    messages,
  });

  describe.each([
    {
      mode: 'stream',
      reply: (): FakeReply => ({ kind: 'stream', chunks: interleavedCalls() }),
      ask: async (body: Anthropic.MessageCreateParamsNonStreaming) => {
        const { events, message } = await streamMessage(client(), body);
        expect(plainContent(message)).toEqual(expectWellFormedStream(events));
        return message;
      },
    },
    {
      mode: 'create',
      reply: (): FakeReply => CALLS_JSON,
      ask: (body: Anthropic.MessageCreateParamsNonStreaming) =>
        client().messages.create(body),
    },
  ])('two tool calls ($mode)', ({ reply, ask }) => {
    it('come out as tool_use blocks whose input equals the arguments', async () => {
      harness.upstream.enqueue(reply());
      const message = await ask(params([question]));
      expect(message.stop_reason).toBe('tool_use');
      expect(plainContent(message)).toEqual(EXPECTED_CALLS);
    });

    it('round-trip: the results reach the upstream under its own call ids', async () => {
      harness.upstream.enqueue(reply(), {
        kind: 'json',
        body: completion({ content: 'Sunny, noon.' }),
      });
      const first = await ask(params([question]));
      const [weather, time] = first.content as Anthropic.ToolUseBlock[];
      const second = await client().messages.create(
        params([
          question,
          { role: 'assistant', content: first.content },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: weather!.id,
                content: 'sunny',
              },
              {
                type: 'tool_result',
                tool_use_id: time!.id,
                content: [{ type: 'text', text: '12:00' }],
              },
              { type: 'text', text: 'Thanks!' },
            ],
          },
        ]),
      );
      expect(second.content).toEqual([{ type: 'text', text: 'Sunny, noon.' }]);
      const sent = harness.upstream.chatRequests[1]!.body.messages as {
        role: string;
        tool_calls?: {
          id: string;
          function: { name: string; arguments: string };
        }[];
        tool_call_id?: string;
        content: unknown;
      }[];
      expect(sent.map((m) => m.role)).toEqual([
        'user',
        'assistant',
        'tool',
        'tool',
        'user',
      ]);
      const calls = sent[1]!.tool_calls!;
      expect(calls.map((c) => c.id)).toEqual([WEATHER_ID, TIME_ID]);
      expect(calls.map((c) => c.function.name)).toEqual([
        'get_weather',
        'get_time',
      ]);
      expect(calls.map((c) => JSON.parse(c.function.arguments))).toEqual([
        WEATHER_INPUT,
        TIME_INPUT,
      ]);
      expect(sent.slice(2, 4)).toEqual([
        { role: 'tool', tool_call_id: WEATHER_ID, content: 'sunny' },
        { role: 'tool', tool_call_id: TIME_ID, content: '12:00' },
      ]);
      expect(sent[4]).toEqual({ role: 'user', content: 'Thanks!' });
    });
  });

  it('gives a call without arguments an empty input', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: [
        chunk({
          tool_calls: [
            {
              index: 0,
              id: 'call_empty',
              type: 'function',
              function: { name: 'get_time', arguments: '' },
            },
          ],
        }),
        chunk({}, 'tool_calls'),
        usageChunk(),
      ],
    });
    const { events, message } = await streamMessage(
      client(),
      params([question]),
    );
    expectWellFormedStream(events);
    expect(plainContent(message)).toEqual([
      {
        type: 'tool_use',
        id: toolUseIdOf('call_empty'),
        name: 'get_time',
        input: {},
      },
    ]);
  });

  it('streams text before a call as a text block, then the tool_use', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: [
        ...textStream(['Let me ', 'check.']).slice(0, 3),
        ...interleavedCalls().slice(1),
      ],
    });
    const { events, message } = await streamMessage(
      client(),
      params([question]),
    );
    const blocks = expectWellFormedStream(events);
    expect(blocks).toEqual([
      { type: 'text', text: 'Let me check.' },
      ...EXPECTED_CALLS,
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });
});
