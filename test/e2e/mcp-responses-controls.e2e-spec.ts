import OpenAI from 'openai';
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
  offeredTools,
  textReply,
  toolMessages,
} from '../support/mcp-loop-support.js';
import {
  EVERYTHING_BIN,
  EverythingHttpServer,
  nodeServer,
  TEST_SERVER_BIN,
} from '../support/mcp-servers.js';

const weatherTool = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
};

/**
 * tool_choice {type:"mcp"}, max_tool_calls and mcp_list_tools once per
 * chain, through the official client, with configured MCP servers (stdio)
 * and a hosted `mcp` tool (Streamable HTTP) on real sockets.
 */
describe('/v1/responses: MCP tool_choice, max_tool_calls, listings per chain', () => {
  let upstream: FakeUpstream;
  let remote: EverythingHttpServer;
  let mcp: McpGateway;
  let hostedTool: Record<string, unknown>;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    remote = await EverythingHttpServer.start('streamableHttp');
    mcp = await startMcpGateway(
      upstream,
      {
        everything: nodeServer(EVERYTHING_BIN, ['stdio']),
        test: nodeServer(TEST_SERVER_BIN, []),
      },
      { MCP_REMOTE_SERVERS_ALLOWED: `http://127.0.0.1:${remote.port}/` },
    );
    hostedTool = {
      type: 'mcp',
      server_label: 'remote',
      server_url: remote.url('/mcp'),
      allowed_tools: ['echo', 'get-sum'],
      require_approval: 'never',
    };
  });
  afterAll(async () => {
    await mcp?.close();
    await remote?.stop();
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  const toolChoiceSent = () =>
    upstream.chatRequests.map((request) => request.body.tool_choice);

  describe.each([true, false])('stream: %s', (stream) => {
    it('forces the named MCP tool in the first round, then lets the model choose', async () => {
      const choice = {
        type: 'mcp',
        server_label: 'everything',
        name: 'get-sum',
      };
      upstream.enqueue(
        callsReply(stream, [
          { id: 'call_sum', name: 'get-sum', arguments: '{"a":2,"b":3}' },
        ]),
        textReply(stream, 'It is 5.'),
      );
      const { response } = await runResponses(
        mcp.client,
        { model: 'fake-model', input: '2+3?', tool_choice: choice },
        stream,
      );

      expect(toolChoiceSent()).toEqual([
        { type: 'function', function: { name: 'get-sum' } },
        'auto',
      ]);
      expect(itemsOf(response, 'mcp_call')[0]).toMatchObject({
        server_label: 'everything',
        name: 'get-sum',
        output: 'The sum of 2 and 3 is 5.',
      });
      expect(response.tool_choice).toEqual(choice);
      expect(textOf(response)).toBe('It is 5.');
    });

    it('ignores the calls beyond max_tool_calls and lets the model answer without tools', async () => {
      upstream.enqueue(
        callsReply(stream, [
          { id: 'call_sum', name: 'get-sum', arguments: '{"a":1,"b":1}' },
          {
            id: 'call_echo',
            name: 'everything__echo',
            arguments: '{"message":"x"}',
          },
        ]),
        textReply(stream, 'Two.'),
      );
      const { response } = await runResponses(
        mcp.client,
        { model: 'fake-model', input: 'go', max_tool_calls: 1 },
        stream,
      );

      expect(itemTypes(response)).toEqual([
        'mcp_list_tools',
        'mcp_list_tools',
        'mcp_call',
        'message',
      ]);
      expect(itemsOf(response, 'mcp_call')[0]?.name).toBe('get-sum');
      expect(response.status).toBe('completed');
      expect(response.incomplete_details).toBeNull();
      // Echoed, as the spec's Response has it (the SDK's type lacks it).
      expect(response).toHaveProperty('max_tool_calls', 1);
      expect(textOf(response)).toBe('Two.');
      const final = upstream.chatRequests[1];
      expect(offeredTools(final)).toEqual([]);
      expect(toolMessages(final)).toEqual([
        { tool_call_id: 'call_sum', content: 'The sum of 1 and 1 is 2.' },
        {
          tool_call_id: 'call_echo',
          content:
            'Error: Not run: this response reached its limit of 1 tool calls (max_tool_calls).',
        },
      ]);
    });

    it('lists the servers once per chain, and still offers their tools', async () => {
      upstream.enqueue(textReply(stream, 'Hi.'), textReply(stream, 'Again.'));
      const first = await runResponses(
        mcp.client,
        { model: 'fake-model', input: 'hi', tools: [hostedTool] },
        stream,
      );
      const second = await runResponses(
        mcp.client,
        {
          model: 'fake-model',
          input: 'again',
          previous_response_id: first.response.id,
          tools: [hostedTool],
        },
        stream,
      );

      expect(
        itemsOf(first.response, 'mcp_list_tools').map((i) => i.server_label),
      ).toEqual(['remote', 'everything', 'test']);
      expect(itemTypes(second.response)).toEqual(['message']);
      if (stream) {
        expect(second.events.map((e) => e.type)).not.toContain(
          'response.mcp_list_tools.in_progress',
        );
      }
      expect(offeredTools(upstream.chatRequests[1])).toEqual(
        offeredTools(upstream.chatRequests[0]),
      );
      expect(offeredTools(upstream.chatRequests[1])).toContain('remote__echo');
    });
  });

  it("forces any tool of a hosted server, offering only that server's tools in the first round", async () => {
    upstream.enqueue(
      callsReply(false, [
        { id: 'call_e', name: 'remote__echo', arguments: '{"message":"hi"}' },
      ]),
      textReply(false, 'Echoed.'),
    );
    const { response } = await runResponses(
      mcp.client,
      {
        model: 'fake-model',
        input: 'echo hi',
        tools: [weatherTool, hostedTool],
        tool_choice: { type: 'mcp', server_label: 'remote' },
      },
      false,
    );

    expect(toolChoiceSent()).toEqual(['required', 'auto']);
    expect(offeredTools(upstream.chatRequests[0])).toEqual([
      'remote__echo',
      'remote__get-sum',
    ]);
    expect(offeredTools(upstream.chatRequests[1])).toEqual(
      expect.arrayContaining(['get_weather', 'remote__echo', 'get-sum']),
    );
    expect(itemsOf(response, 'mcp_call')[0]).toMatchObject({
      server_label: 'remote',
      name: 'echo',
      output: 'Echo: hi',
    });
  });

  it.each([
    [{ server_label: 'nowhere' }, 'tool_choice.server_label'],
    [{ server_label: 'everything', name: 'nope' }, 'tool_choice.name'],
    [{ server_label: 'remote', name: 'get-sum' }, 'tool_choice.server_label'],
  ])(
    'refuses tool_choice %j with a 400 on %s, before calling the model',
    async (choice, param) => {
      const refused = await mcp.client.responses
        .create({
          model: 'fake-model',
          input: 'x',
          tool_choice: { type: 'mcp', ...choice },
        } as never)
        .then(
          () => undefined,
          (error: unknown) => error,
        );

      expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
      expect(
        (refused as InstanceType<typeof OpenAI.BadRequestError>).error,
      ).toMatchObject({
        type: 'invalid_request_error',
        param,
      });
      expect(upstream.chatRequests).toHaveLength(0);
    },
  );
});

/** The text of a response's messages (a stream's final Response has no output_text). */
function textOf(response: OpenAI.Responses.Response): string {
  return itemsOf(response, 'message')
    .flatMap((item) => item.content)
    .map((part) => (part.type === 'output_text' ? part.text : ''))
    .join('');
}
