import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { completion } from '../support/chat-chunks.js';
import type { FakeReply } from '../support/fake-upstream.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import { anthropicClient } from '../support/messages-sdk.js';

const MODEL = 'fake-model';
const WEATHER: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather by city',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
};
const OK: FakeReply = { kind: 'json', body: completion({ content: 'ok' }) };

describe('/v1/messages requests as the upstream gets them', () => {
  const harness = useGatewayWithUpstream({
    env: { UPSTREAM_MAX_RETRIES: '0' },
  });
  const client = (): Anthropic => anthropicClient(harness.gateway);
  const upstreamBody = (n = 0): Record<string, unknown> =>
    harness.upstream.chatRequests[n]!.body as Record<string, unknown>;
  const ask = (extra: Partial<Anthropic.MessageCreateParamsNonStreaming>) =>
    client().messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
      ...extra,
    });

  it('maps every field it knows, folds system messages first, and forwards nothing else', async () => {
    harness.upstream.enqueue(OK);
    const body = {
      model: MODEL,
      max_tokens: 300,
      system: [
        {
          type: 'text',
          text: 'Be brief.',
          cache_control: { type: 'ephemeral' },
        },
        { type: 'text', text: 'Answer in French.' },
      ],
      messages: [
        { role: 'user', content: 'Bonjour' },
        { role: 'system', content: 'Env: linux' },
      ],
      tools: [
        {
          ...WEATHER,
          input_schema: {
            $schema: 'https://json-schema.org/draft/2020-12/schema',
            ...WEATHER.input_schema,
            additionalProperties: false,
          },
          cache_control: { type: 'ephemeral' },
        },
        { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
      ],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['###'],
      metadata: { user_id: 'user-42' },
      thinking: { type: 'enabled', budget_tokens: 8000 },
      context_management: { edits: [{ type: 'clear_thinking_20251015' }] },
      output_config: { effort: 'low' },
      service_tier: 'auto',
      mystery_field: { a: 1 },
    };
    const message = await client().messages.create(
      body as unknown as Anthropic.MessageCreateParamsNonStreaming,
    );
    expect(message.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(upstreamBody()).toEqual({
      model: MODEL,
      max_tokens: 300,
      messages: [
        {
          role: 'system',
          content: 'Be brief.\n\nAnswer in French.\n\nEnv: linux',
        },
        { role: 'user', content: 'Bonjour' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather by city',
            parameters: {
              ...WEATHER.input_schema,
              additionalProperties: false,
            },
          },
        },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop: ['###'],
      user: 'user-42',
      reasoning_effort: 'medium',
      stream: false,
    });
  });

  it.each([
    [{ type: 'auto' }, 'auto'],
    [{ type: 'any' }, 'required'],
    [
      { type: 'tool', name: 'get_weather' },
      { type: 'function', function: { name: 'get_weather' } },
    ],
    [{ type: 'none' }, 'none'],
  ] as [Anthropic.ToolChoice, unknown][])(
    'tool_choice %j → %j',
    async (choice, expected) => {
      harness.upstream.enqueue(OK);
      await ask({ tools: [WEATHER], tool_choice: choice });
      expect(upstreamBody()['tool_choice']).toEqual(expected);
      expect(upstreamBody()).not.toHaveProperty('parallel_tool_calls');
    },
  );

  it('drops server tools, and a request left without tools sends no tool_choice', async () => {
    harness.upstream.enqueue(OK);
    await ask({
      tools: [
        { type: 'web_search_20250305', name: 'web_search' },
        { type: 'bash_20250124', name: 'bash' },
      ],
      tool_choice: { type: 'any' },
    });
    expect(upstreamBody()).not.toHaveProperty('tools');
    expect(upstreamBody()).not.toHaveProperty('tool_choice');
  });

  it.each([
    [{ thinking: { type: 'enabled', budget_tokens: 1024 } }, 'low'],
    [{ thinking: { type: 'enabled', budget_tokens: 4096 } }, 'medium'],
    [{ thinking: { type: 'enabled', budget_tokens: 16384 } }, 'high'],
    [
      { thinking: { type: 'adaptive' }, output_config: { effort: 'max' } },
      'high',
    ],
    [
      { thinking: { type: 'adaptive' }, output_config: { effort: 'medium' } },
      'medium',
    ],
    [{ thinking: { type: 'adaptive' } }, undefined],
    [{ thinking: { type: 'disabled' } }, undefined],
  ] as [
    Partial<Anthropic.MessageCreateParamsNonStreaming>,
    string | undefined,
  ][])('%j → reasoning_effort %s', async (settings, effort) => {
    harness.upstream.enqueue(OK);
    await ask({ ...settings, max_tokens: 20000 });
    expect(upstreamBody()['reasoning_effort']).toBe(effort);
  });

  it('sends base64 and URL images as image_url parts', async () => {
    harness.upstream.enqueue(OK);
    await ask({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What are these?' },
            {
              type: 'image',
              source: {
                type: 'base64',
                media_type: 'image/png',
                data: 'iVBORw0KGgo=',
              },
            },
            {
              type: 'image',
              source: { type: 'url', url: 'https://example.com/cat.jpg' },
            },
          ],
        },
      ],
    });
    expect(upstreamBody()['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What are these?' },
          {
            type: 'image_url',
            image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' },
          },
          {
            type: 'image_url',
            image_url: { url: 'https://example.com/cat.jpg' },
          },
        ],
      },
    ]);
  });

  it('marks a failed tool_result, and moves its images to a user message after it', async () => {
    harness.upstream.enqueue(OK);
    await ask({
      tools: [WEATHER],
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [
            {
              type: 'tool_use',
              id: 'call_a',
              name: 'get_weather',
              input: { city: 'Oslo' },
            },
            {
              type: 'tool_use',
              id: 'call_b',
              name: 'get_weather',
              input: { city: 'Rome' },
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'call_a',
              is_error: true,
              content: 'timeout',
            },
            {
              type: 'tool_result',
              tool_use_id: 'call_b',
              content: [
                { type: 'text', text: 'radar:' },
                {
                  type: 'image',
                  source: { type: 'url', url: 'https://example.com/radar.png' },
                },
              ],
            },
          ],
        },
      ],
    });
    const messages = upstreamBody()['messages'] as Record<string, unknown>[];
    expect(messages.map((m) => m['role'])).toEqual([
      'user',
      'assistant',
      'tool',
      'tool',
      'user',
    ]);
    expect(messages[2]).toEqual({
      role: 'tool',
      tool_call_id: 'call_a',
      content: 'Error: timeout',
    });
    expect(messages[3]).toEqual({
      role: 'tool',
      tool_call_id: 'call_b',
      content: 'radar:',
    });
    expect(messages[4]!['content']).toContainEqual({
      type: 'image_url',
      image_url: { url: 'https://example.com/radar.png' },
    });
  });
});
