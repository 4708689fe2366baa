import { beforeAll, describe, expect, it } from 'vitest';
import {
  EXAMPLE_TOOLS,
  TEXT_TOOL_CALL_EXAMPLES,
} from '../../src/tool-calls/text-tool-call-examples.test-support.js';
import {
  answerWithCalls,
  answerWithText,
  chatStreamSummary,
  EXACT_ARGS,
  FORMAT_TAGS,
  post,
  tagged,
} from '../support/agent-format-support.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';

const TOOLS = [
  ...EXAMPLE_TOOLS,
  {
    type: 'function',
    function: { name: 'write_file', parameters: { type: 'object' } },
  },
];
const messages = [{ role: 'user', content: 'Do it.' }];
const CALLS = [
  { name: 'write_file', arguments: EXACT_ARGS },
  { name: 'get_time', arguments: '{"tz":"UTC"}' },
];

/** Every `{json}` block between the format's tags, parsed. */
function blocks(format: string, content: string): unknown[] {
  const [start, end] = FORMAT_TAGS[format]!;
  return content
    .split(start)
    .slice(1)
    .map((part) => JSON.parse(part.slice(0, part.indexOf(end))) as unknown);
}

describe('agent formats on /v1/chat/completions', () => {
  let url: string;
  const harness = useGatewayWithUpstream({
    env: {
      UPSTREAM_MAX_RETRIES: '0',
      DEFAULT_TOOL_CALL_TAGS: 'llama3',
    },
  });
  beforeAll(() => {
    url = `${harness.gateway.url}/v1/chat/completions`;
  });

  describe.each(Object.keys(FORMAT_TAGS))('agent_format %s', (format) => {
    const body = { model: 'fake-model', messages, tools: TOOLS };
    const expected =
      `Working.\n${tagged(format, 'write_file', EXACT_ARGS)}\n` +
      tagged(format, 'get_time', '{"tz":"UTC"}');

    it('writes native tool calls into the streamed text, byte for byte', async () => {
      answerWithCalls(harness.upstream, CALLS, 'Working.');
      const { events } = await post(url, {
        ...body,
        stream: true,
        agent_format: format,
      });
      const summary = chatStreamSummary(events);
      expect(summary.content).toBe(expected);
      expect(summary.toolCallDeltas).toBe(0);
      expect(summary.finishes).toEqual(['stop']);
      expect(harness.upstream.chatRequests[0]?.body).not.toHaveProperty(
        'agent_format',
      );
    });

    it('writes native tool calls into the completion, byte for byte', async () => {
      answerWithCalls(harness.upstream, CALLS, 'Working.');
      const { status, json } = await post(url, {
        ...body,
        agent_format: format,
      });
      expect(status).toBe(200);
      expect(json.choices[0].message.content).toBe(expected);
      expect(json.choices[0].message).not.toHaveProperty('tool_calls');
      expect(json.choices[0].finish_reason).toBe('stop');
      expect(harness.upstream.chatRequests[0]?.body).not.toHaveProperty(
        'agent_format',
      );
    });
  });

  describe.each(
    TEXT_TOOL_CALL_EXAMPLES.filter((_, i) => i % 4 === 0).map(
      (ex) => [`${ex.family} (${ex.model})`, ex] as const,
    ),
  )('a model writing %s', (_title, ex) => {
    const expectedCalls = ex.calls.map((c) => ({
      name: c.name,
      arguments: c.args,
    }));

    it.each([true, false])(
      'reaches an xml client as xml (stream %s)',
      async (stream) => {
        answerWithText(harness.upstream, ex.text);
        const { json, events } = await post(url, {
          model: ex.model,
          messages,
          tools: EXAMPLE_TOOLS,
          stream,
          agent_format: 'xml',
        });
        const content: string = stream
          ? chatStreamSummary(events).content
          : json.choices[0].message.content;
        expect(blocks('xml', content)).toEqual(expectedCalls);
        expect(content.split('<tool_call>')[0]?.trim()).toBe(ex.rest.trim());
      },
    );
  });

  it('uses the header over the default, and the body over the header', async () => {
    answerWithCalls(harness.upstream, [{ name: 'get_time', arguments: '{}' }]);
    const byDefault = await post(url, { model: 'm', messages, tools: TOOLS });
    expect(byDefault.json.choices[0].message.content).toBe(
      tagged('llama3', 'get_time', '{}'),
    );
    const byHeader = await post(
      url,
      { model: 'm', messages, tools: TOOLS },
      { 'x-tool-call-format': 'qwen3' },
    );
    expect(byHeader.json.choices[0].message.content).toBe(
      tagged('qwen3', 'get_time', '{}'),
    );
    const byBody = await post(
      url,
      { model: 'm', messages, tools: TOOLS, agent_format: 'xml' },
      { 'x-tool-call-format': 'qwen3' },
    );
    expect(byBody.json.choices[0].message.content).toBe(
      tagged('xml', 'get_time', '{}'),
    );
    const native = await post(url, {
      model: 'm',
      messages,
      tools: TOOLS,
      agent_format: 'openai',
    });
    expect(native.json.choices[0].finish_reason).toBe('tool_calls');
    expect(native.json.choices[0].message.tool_calls).toHaveLength(1);
  });

  it('passthrough returns the model text untouched and native calls as tool_calls', async () => {
    const text = '<tool_call>{"name": "get_time", "arguments": {}}</tool_call>';
    answerWithText(harness.upstream, text);
    const raw = await post(url, {
      model: 'qwen2.5-7b-instruct',
      messages,
      tools: TOOLS,
      agent_format: 'passthrough',
    });
    expect(raw.json.choices[0].message.content).toBe(text);
    expect(raw.json.choices[0].message.tool_calls).toBeUndefined();
    answerWithCalls(harness.upstream, [{ name: 'get_time', arguments: '{}' }]);
    const { events } = await post(url, {
      model: 'm',
      messages,
      tools: TOOLS,
      stream: true,
      agent_format: 'passthrough',
    });
    expect(chatStreamSummary(events).finishes).toEqual(['tool_calls']);
    expect(chatStreamSummary(events).toolCallDeltas).toBeGreaterThan(0);
  });

  it('parses the tagged calls of the history back into tool_calls upstream', async () => {
    answerWithText(harness.upstream, 'Done.');
    const { status } = await post(url, {
      model: 'm',
      tools: TOOLS,
      agent_format: 'xml',
      messages: [
        ...messages,
        {
          role: 'assistant',
          content: `Writing.\n${tagged('xml', 'write_file', EXACT_ARGS)}`,
        },
        { role: 'user', content: 'Tool result: ok' },
      ],
    });
    expect(status).toBe(200);
    const sent = harness.upstream.chatRequests[0]?.body.messages;
    expect(sent[1].content).toBe('Writing.');
    expect(sent[1].tool_calls).toHaveLength(1);
    expect(sent[1].tool_calls[0].function.name).toBe('write_file');
    expect(JSON.parse(sent[1].tool_calls[0].function.arguments)).toEqual(
      JSON.parse(EXACT_ARGS),
    );
    expect(sent[2]).toEqual({ role: 'user', content: 'Tool result: ok' });
  });

  it('answers an unknown agent_format with a 400', async () => {
    const { status, json } = await post(url, {
      model: 'm',
      messages,
      agent_format: 'yaml',
    });
    expect(status).toBe(400);
    expect(json.error.param).toBe('agent_format');
    expect(harness.upstream.chatRequests).toHaveLength(0);
  });
});
