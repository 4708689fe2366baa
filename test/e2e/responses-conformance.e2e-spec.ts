import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { chunk, textStream, toolCallStream } from '../support/chat-chunks.js';
import { expectSchemaValid } from '../support/responses-assertions.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';

const MODEL = 'fake-model';
const TOOLS = [
  { type: 'function', name: 'get_weather', parameters: { type: 'object' } },
  { type: 'function', name: 'get_time', parameters: { type: 'object' } },
];
const ONLY_WEATHER = {
  type: 'allowed_tools',
  mode: 'auto',
  tools: [{ type: 'function', name: 'get_weather' }],
};

/** The `data:` payloads of an SSE body, in order. */
function sseData(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length));
}

describe('/v1/responses conformance with both specs', () => {
  const harness = useGatewayWithUpstream();

  async function post(
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${harness.gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: MODEL, ...body }),
    });
  }

  it('ends a stream with data: [DONE], which the official client tolerates', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['a', 'b']),
    });
    const text = await (await post({ input: 'hi', stream: true })).text();
    const data = sseData(text);
    expect(data.at(-1)).toBe('[DONE]');
    const events = data.slice(0, -1).map((d) => JSON.parse(d) as unknown);
    const last = events.at(-1) as { type: string; response: unknown };
    expect(last.type).toBe('response.completed');
    expectSchemaValid(events, last.response);

    harness.upstream.enqueue({ kind: 'stream', chunks: textStream(['c']) });
    const stream = harness.client.responses.stream({
      model: MODEL,
      input: 'hi',
    });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('c');
  });

  it('names raw reasoning events per x-responses-event-naming', async () => {
    const reasoningStream = () => [
      chunk({ role: 'assistant', content: '' }),
      chunk({ reasoning_content: 'think' }),
      ...textStream(['ok']).slice(1),
    ];
    for (const [naming, expected, absent] of [
      [
        'open-responses',
        'response.reasoning.delta',
        'response.reasoning_text.delta',
      ],
      ['openai', 'response.reasoning_text.delta', 'response.reasoning.delta'],
    ] as const) {
      harness.upstream.enqueue({ kind: 'stream', chunks: reasoningStream() });
      const text = await (
        await post(
          { input: 'hi', stream: true },
          { 'x-responses-event-naming': naming },
        )
      ).text();
      const types = sseData(text)
        .slice(0, -1)
        .map((d) => (JSON.parse(d) as { type: string }).type);
      expect(types).toContain(expected);
      expect(types).not.toContain(absent);
    }
  });

  it('never lets a call outside allowed_tools reach the client', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: toolCallStream([
        { id: 'call_t', name: 'get_time', arguments: '{}' },
        { id: 'call_w', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ]),
    });
    const text = await (
      await post({
        input: 'hi',
        stream: true,
        tools: TOOLS,
        tool_choice: ONLY_WEATHER,
      })
    ).text();
    expect(text).not.toContain('call_t"');
    const events = sseData(text)
      .slice(0, -1)
      .map((d) => JSON.parse(d) as { type: string; response?: unknown });
    const response = events.at(-1)!.response as OpenAI.Responses.Response;
    expect(response.output.map((item) => item.type)).toEqual(['function_call']);
    expectSchemaValid(events, response);
    expect(harness.upstream.chatRequests[0]!.body.tools).toHaveLength(1);
  });

  it('ends with an empty message when the only call was outside allowed_tools', async () => {
    harness.upstream.enqueue({
      kind: 'json',
      body: {
        id: 'c',
        object: 'chat.completion',
        created: 0,
        model: MODEL,
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: 'call_t',
                  type: 'function',
                  function: { name: 'get_time', arguments: '{}' },
                },
              ],
            },
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      },
    });
    const response = await harness.client.responses.create({
      model: MODEL,
      input: 'hi',
      tools: TOOLS as never,
      tool_choice: ONLY_WEATHER as never,
    });
    expect(response.status).toBe('completed');
    expect(JSON.stringify(response.output)).not.toContain('get_time');
    expectSchemaValid([], response);
  });

  it('accepts input messages with a phase', async () => {
    const response = await harness.client.responses.create({
      model: MODEL,
      input: [
        { role: 'user', content: 'hi' },
        {
          type: 'message',
          role: 'assistant',
          phase: 'commentary',
          content: [{ type: 'output_text', text: 'thinking aloud' }],
        },
        { role: 'user', content: 'go on' },
      ] as never,
    });
    expect(response.status).toBe('completed');
  });

  it('maps an upstream context-length error to 400 context_length_exceeded', async () => {
    harness.upstream.enqueue({
      kind: 'error',
      status: 400,
      body: {
        error: {
          message:
            "This model's maximum context length is 4096 tokens. However, you requested 9000 tokens.",
          type: 'BadRequestError',
          param: null,
          code: 400,
        },
      },
    });
    const response = await post({ input: 'long', truncation: 'disabled' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        code: 'context_length_exceeded',
        param: 'input',
        type: 'invalid_request_error',
      },
    });
  });
});
