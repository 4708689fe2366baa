import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_TOOLS } from '../../src/tool-calls/text-tool-call-examples.test-support.js';
import {
  answerWithCalls,
  answerWithText,
  EXACT_ARGS,
  FORMAT_TAGS,
  post,
  tagged,
} from '../support/agent-format-support.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';

const TOOLS = [
  ...EXAMPLE_TOOLS.map((t) => ({
    type: 'function',
    name: t.function.name,
    parameters: t.function.parameters,
  })),
  { type: 'function', name: 'write_file', parameters: { type: 'object' } },
];
const CALLS = [
  { name: 'write_file', arguments: EXACT_ARGS },
  { name: 'get_time', arguments: '{"tz":"UTC"}' },
];

/** The output text of a Response's message items, and the item types. */
function outputOf(response: any): { text: string; types: string[] } {
  const items: any[] = response.output;
  return {
    types: items.map((item) => item.type),
    text: items
      .filter((item) => item.type === 'message')
      .flatMap((item) => item.content.map((part: any) => part.text ?? ''))
      .join(''),
  };
}

describe('agent formats on /v1/responses', () => {
  let url: string;
  const harness = useGatewayWithUpstream({
    env: {
      UPSTREAM_MAX_RETRIES: '0',
    },
  });
  beforeAll(() => {
    url = `${harness.gateway.url}/v1/responses`;
  });

  describe.each(Object.keys(FORMAT_TAGS))('agent_format %s', (format) => {
    const body = {
      model: 'fake-model',
      input: 'Do it.',
      tools: TOOLS,
      agent_format: format,
    };
    const expected =
      `Working.\n${tagged(format, 'write_file', EXACT_ARGS)}\n` +
      tagged(format, 'get_time', '{"tz":"UTC"}');

    it('answers with one message item holding the tagged calls', async () => {
      answerWithCalls(harness.upstream, CALLS, 'Working.');
      const { status, json } = await post(url, body);
      expect(status).toBe(200);
      expect(json.status).toBe('completed');
      expect(outputOf(json)).toEqual({ types: ['message'], text: expected });
      expect(json).not.toHaveProperty('agent_format');
      expect(harness.upstream.chatRequests[0]?.body).not.toHaveProperty(
        'agent_format',
      );
    });

    it('streams the tagged calls as output_text deltas', async () => {
      answerWithCalls(harness.upstream, CALLS, 'Working.');
      const { events } = await post(url, { ...body, stream: true });
      const deltas = events
        .filter((e) => e.type === 'response.output_text.delta')
        .map((e) => e.delta as string)
        .join('');
      expect(deltas).toBe(expected);
      expect(events.some((e) => e.item?.type === 'function_call')).toBe(false);
      const done = events.at(-1);
      expect(done.type).toBe('response.completed');
      expect(outputOf(done.response)).toEqual({
        types: ['message'],
        text: expected,
      });
    });
  });

  it('rewrites calls a model wrote as text, and the header picks the format', async () => {
    answerWithText(
      harness.upstream,
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>',
    );
    const { json } = await post(
      url,
      { model: 'qwen2.5-7b-instruct', input: 'Weather?', tools: TOOLS },
      { 'x-tool-call-format': 'gemma' },
    );
    expect(outputOf(json)).toEqual({
      types: ['message'],
      text: tagged('gemma', 'get_weather', '{"city":"Paris"}'),
    });
  });

  it('continues a conversation: the stored tagged text goes upstream as tool_calls', async () => {
    answerWithCalls(harness.upstream, [
      { name: 'write_file', arguments: EXACT_ARGS },
    ]);
    const first = await post(url, {
      model: 'm',
      input: 'Write it.',
      tools: TOOLS,
      agent_format: 'xml',
    });
    answerWithText(harness.upstream, 'Done.');
    const second = await post(url, {
      model: 'm',
      input: 'Tool result: ok',
      tools: TOOLS,
      agent_format: 'xml',
      previous_response_id: first.json.id,
    });
    expect(outputOf(second.json).text).toBe('Done.');
    const sent = harness.upstream.chatRequests[1]?.body.messages as any[];
    const assistant = sent.find((m) => m.role === 'assistant');
    expect(assistant.tool_calls[0].function.name).toBe('write_file');
    expect(JSON.parse(assistant.tool_calls[0].function.arguments)).toEqual(
      JSON.parse(EXACT_ARGS),
    );
    expect(sent.at(-1)).toMatchObject({
      role: 'user',
      content: 'Tool result: ok',
    });
  });

  it('keeps function_call items by default', async () => {
    answerWithCalls(harness.upstream, CALLS);
    const { json } = await post(url, { model: 'm', input: 'x', tools: TOOLS });
    expect(outputOf(json).types).toEqual(['function_call', 'function_call']);
  });
});
