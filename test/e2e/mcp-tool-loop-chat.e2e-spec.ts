import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  runChat,
  serverStatus,
  startMcpGateway,
  type McpGateway,
} from '../support/mcp-loop-clients.js';
import {
  callsReply,
  offeredTools,
  textReply,
  toolMessages,
} from '../support/mcp-loop-support.js';
import {
  EVERYTHING_BIN,
  nodeServer,
  TEST_SERVER_BIN,
  waitFor,
} from '../support/mcp-servers.js';

const user = (content: string) => [{ role: 'user', content }];
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};

describe('/v1/chat/completions with MCP tools run server-side', () => {
  let upstream: FakeUpstream;
  let mcp: McpGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    mcp = await startMcpGateway(upstream, {
      everything: nodeServer(EVERYTHING_BIN, ['stdio']),
      test: nodeServer(TEST_SERVER_BIN, [], { toolTimeoutMs: 500 }),
    });
  });
  afterAll(async () => {
    await mcp?.close();
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  describe.each([true, false])('stream: %s', (stream) => {
    it('offers the MCP tools to the model with their input schemas', async () => {
      upstream.enqueue(textReply(stream, 'Hello.'));
      const result = await runChat(
        mcp.client,
        { model: 'fake-model', messages: user('hi') },
        stream,
      );

      expect(result.content).toBe('Hello.');
      const tools = upstream.chatRequests[0]!.body.tools as {
        function: { name: string; parameters: unknown };
      }[];
      // `echo` is on both servers, so both are prefixed; the others keep their names.
      expect(tools.map((t) => t.function.name)).toEqual(
        expect.arrayContaining([
          'get-sum',
          'everything__echo',
          'test__echo',
          'fail',
        ]),
      );
      expect(
        tools.find((t) => t.function.name === 'get-sum')?.function.parameters,
      ).toMatchObject({
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
      });
    });

    it('runs a call server-side, hands the result to the model, and streams one answer', async () => {
      upstream.enqueue(
        callsReply(
          stream,
          [{ id: 'call_sum', name: 'get-sum', arguments: '{"a":2,"b":3}' }],
          'Let me add. ',
        ),
        textReply(stream, 'It is 5.'),
      );
      const result = await runChat(
        mcp.client,
        {
          model: 'fake-model',
          messages: user('2+3?'),
          stream_options: stream ? { include_usage: true } : undefined,
        },
        stream,
      );

      expect(toolMessages(upstream.chatRequests[1])).toEqual([
        { tool_call_id: 'call_sum', content: 'The sum of 2 and 3 is 5.' },
      ]);
      const replayed = upstream.chatRequests[1]!.body.messages[1];
      expect(replayed).toMatchObject({
        role: 'assistant',
        content: 'Let me add. ',
        tool_calls: [
          {
            id: 'call_sum',
            function: { name: 'get-sum', arguments: '{"a":2,"b":3}' },
          },
        ],
      });
      expect(result).toMatchObject({
        content: 'Let me add. It is 5.',
        toolCalls: [],
        finishReason: 'stop',
        ids: new Set([expect.any(String)]),
        roles: 1,
        finishes: 1,
      });
      // Usage of both rounds.
      expect(result.usage?.total_tokens).toBe(60);
    });

    it('runs parallel calls, then a second round of calls', async () => {
      upstream.enqueue(
        callsReply(stream, [
          { id: 'call_a', name: 'get-sum', arguments: '{"a":1,"b":1}' },
          {
            id: 'call_b',
            name: 'everything__echo',
            arguments: '{"message":"hi"}',
          },
        ]),
        callsReply(stream, [
          { id: 'call_c', name: 'test__echo', arguments: '{"text":"again"}' },
        ]),
        textReply(stream, 'All done.'),
      );
      const result = await runChat(
        mcp.client,
        { model: 'fake-model', messages: user('go') },
        stream,
      );

      expect(result.content).toBe('All done.');
      expect(toolMessages(upstream.chatRequests[1])).toEqual([
        { tool_call_id: 'call_a', content: 'The sum of 1 and 1 is 2.' },
        { tool_call_id: 'call_b', content: 'Echo: hi' },
      ]);
      expect(toolMessages(upstream.chatRequests[2])).toEqual([
        ...toolMessages(upstream.chatRequests[1]),
        { tool_call_id: 'call_c', content: 'test-server echo: again' },
      ]);
    });

    it('returns only the client tool calls when the model mixes them with MCP calls', async () => {
      const added = `added_${stream ? 's' : 'j'}`;
      upstream.enqueue(
        callsReply(stream, [
          {
            id: 'call_mcp',
            name: 'add_tool',
            arguments: JSON.stringify({ name: added, notify: true }),
          },
          {
            id: 'call_client',
            name: 'get_weather',
            arguments: '{"city":"Oslo"}',
          },
        ]),
      );
      const result = await runChat(
        mcp.client,
        {
          model: 'fake-model',
          messages: user('weather?'),
          tools: [weatherTool],
        },
        stream,
      );

      expect(result.toolCalls).toEqual([
        {
          id: 'call_client',
          name: 'get_weather',
          arguments: '{"city":"Oslo"}',
        },
      ]);
      expect(result.finishReason).toBe('tool_calls');
      expect(upstream.chatRequests).toHaveLength(1);
      // The MCP call ran on the server: its new tool shows up in the status.
      await waitFor(
        async () =>
          (await serverStatus(mcp.gateway))
            .find((s) => s.name === 'test')
            ?.tools.includes(added),
        5_000,
        'the tool the MCP call added',
      );
    });

    it('sends a failing and a timed-out tool to the model as error text', async () => {
      upstream.enqueue(
        callsReply(stream, [
          { id: 'call_fail', name: 'fail', arguments: '{}' },
          { id: 'call_slow', name: 'sleep', arguments: '{"ms":5000}' },
        ]),
        textReply(stream, 'Both tools failed.'),
      );
      const result = await runChat(
        mcp.client,
        { model: 'fake-model', messages: user('try') },
        stream,
      );

      expect(result.content).toBe('Both tools failed.');
      expect(toolMessages(upstream.chatRequests[1])).toEqual([
        {
          tool_call_id: 'call_fail',
          content: 'Error: the tool failed on purpose',
        },
        {
          tool_call_id: 'call_slow',
          content:
            'Error: MCP tool sleep on server test timed out after 500 ms',
        },
      ]);
    });

    it('passes a tool image to the model as an image_url part', async () => {
      upstream.enqueue(
        callsReply(stream, [
          { id: 'call_img', name: 'get-tiny-image', arguments: '{}' },
        ]),
        textReply(stream, 'A logo.'),
      );
      await runChat(
        mcp.client,
        { model: 'fake-model', messages: user('image?') },
        stream,
      );

      const messages = upstream.chatRequests[1]!.body.messages as {
        role: string;
        content: unknown;
      }[];
      expect(messages.at(-2)).toMatchObject({
        role: 'tool',
        content: expect.stringContaining('MCP logo'),
      });
      expect(messages.at(-1)).toEqual({
        role: 'user',
        content: [
          { type: 'text', text: 'Images returned by tool call call_img:' },
          {
            type: 'image_url',
            image_url: {
              url: expect.stringMatching(/^data:image\/png;base64,/),
            },
          },
        ],
      });
    });

    it('lets a client tool win its name over an MCP tool', async () => {
      const clientSum = {
        type: 'function',
        function: {
          name: 'get-sum',
          description: 'client side',
          parameters: { type: 'object' },
        },
      };
      upstream.enqueue(
        callsReply(stream, [
          { id: 'call_x', name: 'get-sum', arguments: '{}' },
        ]),
      );
      const result = await runChat(
        mcp.client,
        { model: 'fake-model', messages: user('sum'), tools: [clientSum] },
        stream,
      );

      expect(result.toolCalls.map((c) => c.name)).toEqual(['get-sum']);
      const offered = upstream.chatRequests[0]!.body.tools as {
        function: { name: string; description?: string };
      }[];
      expect(offered.filter((t) => t.function.name === 'get-sum')).toEqual([
        clientSum,
      ]);
      expect(offered.map((t) => t.function.name)).toContain(
        'everything__get-sum',
      );
    });

    it('offers no MCP tools with x-mcp-tools: off, nor with tool_choice none', async () => {
      upstream.enqueue(textReply(stream, 'a'), textReply(stream, 'b'));
      await runChat(
        mcp.client,
        { model: 'fake-model', messages: user('x') },
        stream,
        { 'x-mcp-tools': 'off' },
        false,
      );
      await runChat(
        mcp.client,
        {
          model: 'fake-model',
          messages: user('y'),
          tools: [weatherTool],
          tool_choice: 'none',
        },
        stream,
        {},
        false,
      );

      expect(offeredTools(upstream.chatRequests[0])).toEqual([]);
      expect(offeredTools(upstream.chatRequests[1])).toEqual(['get_weather']);
    });
  });
});
