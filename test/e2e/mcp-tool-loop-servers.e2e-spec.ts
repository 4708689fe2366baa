import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { McpManagerService } from '../../src/mcp/mcp-manager.service.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  itemsOf,
  runChat,
  runResponses,
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
  EverythingHttpServer,
  nodeServer,
  processExists,
  TEST_SERVER_BIN,
  waitFor,
} from '../support/mcp-servers.js';

describe('the tool loop while MCP servers come and go', () => {
  let upstream: FakeUpstream;
  let remote: EverythingHttpServer;
  let mcp: McpGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    remote = await EverythingHttpServer.start('streamableHttp');
    mcp = await startMcpGateway(
      upstream,
      {
        remote: { url: remote.url('/mcp') },
        test: nodeServer(TEST_SERVER_BIN),
      },
      { MCP_TOOL_REFRESH_INTERVAL: '1', MAX_TOOL_CALL_ITERATIONS: '2' },
    );
  });
  afterAll(async () => {
    await mcp?.close();
    await remote?.stop();
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  it('answers without a killed server and runs its tools again once it is back', async () => {
    const port = remote.port;
    await remote.stop();
    await waitFor(
      async () =>
        (await serverStatus(mcp.gateway)).find((s) => s.name === 'remote')
          ?.connected === false,
      10_000,
      'the remote server dropped',
    );

    // Readiness reports the server but does not depend on it.
    const ready = await fetch(`${mcp.gateway.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      mcpServers: { configured: 2, connected: 1 },
    });
    const root = (await (await fetch(`${mcp.gateway.url}/`)).json()) as {
      endpoints: string[];
    };
    expect(root.endpoints).toContain('GET /v1/mcp/servers');

    upstream.enqueue(textReply(true, 'Still here.'));
    const without = await runChat(
      mcp.client,
      { model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] },
      true,
    );
    expect(without.content).toBe('Still here.');
    expect(offeredTools(upstream.chatRequests[0])).not.toContain('get-sum');
    expect(offeredTools(upstream.chatRequests[0])).toContain('sleep');

    remote = await EverythingHttpServer.start('streamableHttp', port);
    await waitFor(
      async () =>
        (await serverStatus(mcp.gateway)).find((s) => s.name === 'remote')
          ?.connected,
      20_000,
      'the remote server back',
    );
    upstream.reset();
    upstream.enqueue(
      callsReply(false, [
        { id: 'call_sum', name: 'get-sum', arguments: '{"a":4,"b":4}' },
      ]),
      textReply(false, 'Eight.'),
    );
    const back = await runChat(
      mcp.client,
      { model: 'fake-model', messages: [{ role: 'user', content: '4+4' }] },
      false,
    );
    expect(back.content).toBe('Eight.');
    expect(toolMessages(upstream.chatRequests[1])).toEqual([
      { tool_call_id: 'call_sum', content: 'The sum of 4 and 4 is 8.' },
    ]);
  });

  describe('after MAX_TOOL_CALL_ITERATIONS rounds of calls', () => {
    beforeEach(() => {
      // A model that never stops calling tools.
      upstream.setHandler((request) =>
        callsReply(request.body.stream === true, [
          {
            id: 'call_loop',
            name: 'test__echo',
            arguments: '{"text":"again"}',
          },
        ]),
      );
    });

    it.each([true, false])(
      'ends a response incomplete (stream: %s)',
      async (stream) => {
        const { response } = await runResponses(
          mcp.client,
          { model: 'fake-model', input: 'loop' },
          stream,
        );
        expect(response.status).toBe('incomplete');
        expect(response.incomplete_details).toEqual({
          reason: 'max_output_tokens',
        });
        expect(itemsOf(response, 'mcp_call')).toHaveLength(2);
        // Two rounds of calls ran; the third turn's calls did not.
        expect(upstream.chatRequests).toHaveLength(3);
      },
    );

    it.each([true, false])(
      'ends a chat completion with finish_reason length (stream: %s)',
      async (stream) => {
        const result = await runChat(
          mcp.client,
          {
            model: 'fake-model',
            messages: [{ role: 'user', content: 'loop' }],
          },
          stream,
        );
        expect(result.finishReason).toBe('length');
        expect(result.toolCalls).toEqual([]);
        expect(upstream.chatRequests).toHaveLength(3);
      },
    );
  });

  it('leaves no child process behind after shutdown', async () => {
    upstream.enqueue(
      callsReply(true, [{ name: 'sleep', arguments: '{"ms":10}' }]),
      textReply(true, 'Slept.'),
    );
    await runChat(
      mcp.client,
      { model: 'fake-model', messages: [{ role: 'user', content: 'nap' }] },
      true,
    );
    const pid = mcp.gateway.app.get(McpManagerService).childPid('test');
    expect(pid !== null && processExists(pid)).toBe(true);

    await mcp.close();
    expect(processExists(pid!)).toBe(false);
  });
});
