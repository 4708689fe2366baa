import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/prometheus-text.test-support.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import {
  itemsOf,
  itemTypes,
  runResponses,
} from '../support/mcp-loop-clients.js';
import {
  callsReply,
  offeredTools,
  textReply,
  toolMessages,
} from '../support/mcp-loop-support.js';
import { EverythingHttpServer, freePort } from '../support/mcp-servers.js';

describe('the hosted mcp tool of /v1/responses', () => {
  let upstream: FakeUpstream;
  let remote: EverythingHttpServer;
  let gateway: RunningGateway;
  let client: OpenAI;
  let mcpTool: (extra?: Record<string, unknown>) => Record<string, unknown>;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    remote = await EverythingHttpServer.start('streamableHttp');
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      MCP_REMOTE_SERVERS_ALLOWED: `http://127.0.0.1:${remote.port}/`,
    });
    client = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'sk-test',
      maxRetries: 0,
    });
    mcpTool = (extra = {}) => ({
      type: 'mcp',
      server_label: 'remote',
      server_url: remote.url('/mcp'),
      allowed_tools: ['echo', 'get-sum'],
      ...extra,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await remote?.stop();
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  it.each([true, false])(
    'runs calls directly with require_approval never (stream: %s)',
    async (stream) => {
      upstream.enqueue(
        callsReply(stream, [
          { id: 'call_e', name: 'remote__echo', arguments: '{"message":"hi"}' },
        ]),
        textReply(stream, 'It echoed.'),
      );
      const { response } = await runResponses(
        client,
        {
          model: 'fake-model',
          input: 'echo hi',
          tools: [mcpTool({ require_approval: 'never' })],
        },
        stream,
      );

      expect(offeredTools(upstream.chatRequests[0])).toEqual([
        'remote__echo',
        'remote__get-sum',
      ]);
      expect(itemTypes(response)).toEqual([
        'mcp_list_tools',
        'mcp_call',
        'message',
      ]);
      expect(
        itemsOf(response, 'mcp_list_tools')[0]?.tools.map((t) => t.name),
      ).toEqual(['echo', 'get-sum']);
      expect(itemsOf(response, 'mcp_call')[0]).toMatchObject({
        server_label: 'remote',
        name: 'echo',
        output: 'Echo: hi',
        status: 'completed',
      });
      expect(toolMessages(upstream.chatRequests[1])).toEqual([
        { tool_call_id: 'call_e', content: 'Echo: hi' },
      ]);
    },
  );

  it.each([true, false])(
    'asks for approval, then runs an approved call and tells the model about a denied one (stream: %s)',
    async (stream) => {
      const tools = [
        mcpTool({ require_approval: { never: { tool_names: ['echo'] } } }),
      ];
      upstream.enqueue(
        callsReply(stream, [
          {
            id: 'call_e',
            name: 'remote__echo',
            arguments: '{"message":"free"}',
          },
          { id: 'call_s', name: 'remote__get-sum', arguments: '{"a":1,"b":2}' },
          { id: 'call_t', name: 'remote__get-sum', arguments: '{"a":5,"b":5}' },
        ]),
      );
      const asked = await runResponses(
        client,
        { model: 'fake-model', input: 'sum', tools },
        stream,
      );

      expect(asked.response.status).toBe('completed');
      expect(itemTypes(asked.response)).toEqual([
        'mcp_list_tools',
        'mcp_call',
        'mcp_approval_request',
        'mcp_approval_request',
      ]);
      const [approve, deny] = itemsOf(asked.response, 'mcp_approval_request');
      expect(approve).toEqual({
        type: 'mcp_approval_request',
        id: expect.stringMatching(/^mcpr_/),
        server_label: 'remote',
        name: 'get-sum',
        arguments: '{"a":1,"b":2}',
      });
      expect(upstream.chatRequests).toHaveLength(1);

      upstream.enqueue(textReply(stream, 'The sum is 3.'));
      const answered = await runResponses(
        client,
        {
          model: 'fake-model',
          previous_response_id: asked.response.id,
          input: [
            {
              type: 'mcp_approval_response',
              approval_request_id: approve!.id,
              approve: true,
            },
            {
              type: 'mcp_approval_response',
              approval_request_id: deny!.id,
              approve: false,
            },
          ],
          tools,
        },
        stream,
      );

      // The chain already lists the server's tools: no mcp_list_tools again.
      expect(itemTypes(answered.response)).toEqual(['mcp_call', 'message']);
      expect(itemsOf(answered.response, 'mcp_call')[0]).toMatchObject({
        approval_request_id: approve!.id,
        name: 'get-sum',
        output: 'The sum of 1 and 2 is 3.',
      });
      const followUp = upstream.chatRequests[1];
      expect(toolMessages(followUp)).toEqual([
        // History replays the mcp_call under its item id.
        {
          tool_call_id: itemsOf(asked.response, 'mcp_call')[0]!.id,
          content: 'Echo: free',
        },
        { tool_call_id: approve!.id, content: 'The sum of 1 and 2 is 3.' },
        {
          tool_call_id: deny!.id,
          content: 'Error: The user denied this tool call.',
        },
      ]);
    },
  );

  it('counts hosted calls in the MCP tool metrics, under a label of their own', async () => {
    const scrape = async (): Promise<Metrics> =>
      new Metrics(await (await fetch(`${gateway.url}/metrics`)).text());
    const before = await scrape();
    upstream.enqueue(
      callsReply(false, [
        { id: 'call_e', name: 'remote__echo', arguments: '{"message":"hi"}' },
        { id: 'call_s', name: 'remote__get-sum', arguments: '{"a":"x"}' },
      ]),
      textReply(false, 'Done.'),
    );
    await runResponses(
      client,
      {
        model: 'fake-model',
        input: 'echo hi',
        tools: [mcpTool({ require_approval: 'never' })],
      },
      false,
    );

    const after = await scrape();
    const hosted = (outcome: string): number =>
      after.delta(before, 'gateway_mcp_tool_calls_total', {
        server: '(hosted)',
        tool: '(hosted)',
        outcome,
      });
    expect([hosted('ok'), hosted('error')]).toEqual([1, 1]);
    // The client's server_label, URL and tool names never become label values.
    expect(after.text).not.toContain('remote');
    expect(after.text).not.toContain('get-sum');
  });

  it('refuses a server URL outside MCP_REMOTE_SERVERS_ALLOWED with a 400', async () => {
    const elsewhere = `http://127.0.0.1:${await freePort()}/mcp`;
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'fake-model',
        input: 'hi',
        tools: [
          { type: 'function', name: 'f' },
          mcpTool({ server_url: elsewhere }),
        ],
      }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', param: 'tools[1].server_url' },
    });
    expect(upstream.chatRequests).toHaveLength(0);
  });
});
