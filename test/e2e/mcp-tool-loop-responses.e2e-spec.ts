import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  itemsOf,
  itemTypes,
  runResponses,
  startMcpGateway,
  type McpGateway,
} from '../support/mcp-loop-clients.js';
import {
  callsReply,
  expectMcpSchemaValid,
  offeredTools,
  textReply,
  toolMessages,
} from '../support/mcp-loop-support.js';
import {
  EVERYTHING_BIN,
  nodeServer,
  TEST_SERVER_BIN,
} from '../support/mcp-servers.js';

const weatherTool = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
};

describe('/v1/responses with MCP tools run server-side', () => {
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
    it('lists the tools first, runs the call as an mcp_call item, then answers', async () => {
      upstream.enqueue(
        callsReply(stream, [
          { id: 'call_sum', name: 'get-sum', arguments: '{"a":2,"b":3}' },
        ]),
        textReply(stream, 'It is 5.'),
      );
      const { response, events } = await runResponses(
        mcp.client,
        { model: 'fake-model', input: '2+3?' },
        stream,
      );

      expect(itemTypes(response)).toEqual([
        'mcp_list_tools',
        'mcp_list_tools',
        'mcp_call',
        'message',
      ]);
      const [everything, test] = itemsOf(response, 'mcp_list_tools');
      expect(everything?.server_label).toBe('everything');
      expect(everything?.tools).toContainEqual({
        name: 'echo',
        description: 'Echoes back the input string',
        input_schema: expect.objectContaining({ type: 'object' }),
        annotations: expect.objectContaining({ readOnlyHint: true }),
      });
      expect(test?.tools.map((t) => t.name)).toContain('sleep');
      expect(itemsOf(response, 'mcp_call')[0]).toMatchObject({
        id: expect.stringMatching(/^mcp_/),
        server_label: 'everything',
        name: 'get-sum',
        arguments: '{"a":2,"b":3}',
        output: 'The sum of 2 and 3 is 5.',
        error: null,
        status: 'completed',
      });
      expect(toolMessages(upstream.chatRequests[1])).toEqual([
        { tool_call_id: 'call_sum', content: 'The sum of 2 and 3 is 5.' },
      ]);
      expect(offeredTools(upstream.chatRequests[0])).toContain('get-sum');
      expect(response.status).toBe('completed');
      expect(response.usage?.total_tokens).toBe(60);
      if (stream) {
        const types = events.map((e) => e.type);
        expect(types).not.toContain('response.function_call_arguments.delta');
        expect(types).toEqual(
          expect.arrayContaining([
            'response.mcp_list_tools.in_progress',
            'response.mcp_list_tools.completed',
            'response.mcp_call_arguments.done',
            'response.mcp_call.in_progress',
            'response.mcp_call.completed',
          ]),
        );
      }
    });

    it('reports a failed and a timed-out call as failed mcp_call items', async () => {
      upstream.enqueue(
        callsReply(stream, [
          { id: 'call_fail', name: 'fail', arguments: '{}' },
          { id: 'call_slow', name: 'sleep', arguments: '{"ms":5000}' },
        ]),
        textReply(stream, 'Both failed.'),
      );
      const { response } = await runResponses(
        mcp.client,
        { model: 'fake-model', input: 'try' },
        stream,
      );

      const [failed, slow] = itemsOf(response, 'mcp_call');
      expect(failed).toMatchObject({
        status: 'failed',
        output: null,
        error: {
          type: 'mcp_tool_execution_error',
          content: [{ type: 'text', text: 'the tool failed on purpose' }],
        },
      });
      expect(slow).toMatchObject({
        status: 'failed',
        error: {
          type: 'mcp_protocol_error',
          message: 'MCP tool sleep on server test timed out after 500 ms',
        },
      });
      expect(response.output_text ?? textOf(response)).toBe('Both failed.');
    });

    it('returns client calls as function_call items next to the MCP calls of the turn', async () => {
      upstream.enqueue(
        callsReply(stream, [
          {
            id: 'call_mcp',
            name: 'everything__echo',
            arguments: '{"message":"x"}',
          },
          {
            id: 'call_client',
            name: 'get_weather',
            arguments: '{"city":"Oslo"}',
          },
        ]),
      );
      const first = await runResponses(
        mcp.client,
        { model: 'fake-model', input: 'weather?', tools: [weatherTool] },
        stream,
      );
      expect(itemTypes(first.response).slice(2)).toEqual([
        'function_call',
        'mcp_call',
      ]);
      expect(itemsOf(first.response, 'function_call')[0]).toMatchObject({
        call_id: 'call_client',
        name: 'get_weather',
      });

      // The follow-up replays both calls, in one assistant message, with both results.
      upstream.enqueue(textReply(stream, 'Sunny.'));
      await runResponses(
        mcp.client,
        {
          model: 'fake-model',
          previous_response_id: first.response.id,
          input: [
            {
              type: 'function_call_output',
              call_id: 'call_client',
              output: 'sunny',
            },
          ],
          tools: [weatherTool],
        },
        stream,
      );
      const messages = upstream.chatRequests[1]!.body.messages as {
        role: string;
        tool_calls?: { function: { name: string } }[];
      }[];
      const assistant = messages.find((m) => m.tool_calls);
      expect(assistant?.tool_calls?.map((c) => c.function.name)).toEqual([
        'get_weather',
        'everything__echo',
      ]);
      expect(
        toolMessages(upstream.chatRequests[1]).map((m) => m.content),
      ).toEqual(['Echo: x', 'sunny']);
    });
  });

  it('offers no MCP tools with x-mcp-tools: off, nor with tool_choice none', async () => {
    upstream.enqueue(textReply(false, 'a'), textReply(false, 'b'));
    const off = await runResponses(
      mcp.client,
      { model: 'fake-model', input: 'x' },
      false,
      { 'x-mcp-tools': 'off' },
    );
    const none = await runResponses(
      mcp.client,
      {
        model: 'fake-model',
        input: 'y',
        tools: [weatherTool],
        tool_choice: 'none',
      },
      false,
    );

    expect(itemTypes(off.response)).toEqual(['message']);
    expect(itemTypes(none.response)).toEqual(['message']);
    expect(offeredTools(upstream.chatRequests[0])).toEqual([]);
    expect(offeredTools(upstream.chatRequests[1])).toEqual(['get_weather']);
  });

  it("works with the official SDK's responses.stream() accumulator", async () => {
    upstream.enqueue(
      callsReply(
        true,
        [{ name: 'test__echo', arguments: '{"text":"sdk"}' }],
        'Checking. ',
      ),
      textReply(true, 'Done.'),
    );
    const stream = mcp.client.responses.stream({
      model: 'fake-model',
      input: 'go',
    });
    const final = await stream.finalResponse();

    expect(final.output.map((item) => item.type)).toEqual([
      'mcp_list_tools',
      'mcp_list_tools',
      'message',
      'mcp_call',
      'message',
    ]);
    expect(final.output_text).toBe('Checking. Done.');
    expectMcpSchemaValid([], final);
  });
});

function textOf(response: { output: unknown[] }): string {
  return response.output
    .flatMap(
      (item) => (item as { content?: { text?: string }[] }).content ?? [],
    )
    .map((part) => part.text ?? '')
    .join('');
}
