import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { McpServerStatus } from '../../src/mcp/mcp.types.js';
import { Metrics } from '../../src/metrics/prometheus-text.test-support.js';
import { expectOpenAiError } from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { runChat, runResponses } from '../support/mcp-loop-clients.js';
import {
  callsReply,
  offeredTools,
  textReply,
} from '../support/mcp-loop-support.js';
import {
  nodeServer,
  TempDir,
  TEST_SERVER_BIN,
  waitFor,
} from '../support/mcp-servers.js';

const KEY_ALL = 'sk-team-all-0001';
const KEY_ALPHA = 'sk-team-alpha-0002';

// team-all: every configured MCP tool and hosted MCP; team-alpha: only the
// tools of server `alpha`, and no hosted MCP.
const KEYS_YAML = `keys:
  - { name: team-all, key: ${KEY_ALL} }
  - { name: team-alpha, key: ${KEY_ALPHA}, mcp_servers: [alpha], hosted_mcp: false }
`;

const user = (content: string) => [{ role: 'user', content }];

/**
 * Per-key MCP access (GATEWAY_KEYS_FILE `mcp_servers`, `hosted_mcp`) with two
 * real stdio MCP servers offering the same tools: the tools of a server the
 * key may not use are not offered, and a model that calls one anyway does
 * not get it run (the MCP server sees no call).
 */
describe('per-key MCP access', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let dir: TempDir;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    dir = await TempDir.create();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      MCP_SERVERS_CONFIG_PATH: await dir.writeConfig({
        alpha: nodeServer(TEST_SERVER_BIN),
        beta: nodeServer(TEST_SERVER_BIN),
      }),
      GATEWAY_KEYS_FILE: await dir.write('keys.yaml', KEYS_YAML),
      MCP_REMOTE_SERVERS_ALLOWED: 'http://127.0.0.1',
    });
    await waitFor(
      async () => (await serverStatus()).every((s) => s.connected),
      20_000,
      'every MCP server connected',
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await dir?.remove();
  });
  beforeEach(() => upstream.reset());

  const client = (apiKey: string): OpenAI =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
  async function serverStatus(key = KEY_ALL): Promise<McpServerStatus[]> {
    const response = await fetch(`${gateway.url}/v1/mcp/servers`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return ((await response.json()) as { data: McpServerStatus[] }).data;
  }
  const scrape = async (): Promise<Metrics> =>
    new Metrics(await (await fetch(`${gateway.url}/metrics`)).text());
  const callsOf = (metrics: Metrics, before: Metrics, server: string) =>
    metrics.delta(before, 'gateway_mcp_tool_calls_total', { server });

  it('lists on GET /v1/mcp/servers only the servers the key may use', async () => {
    const names = (servers: McpServerStatus[]) => servers.map((s) => s.name);
    expect(names(await serverStatus(KEY_ALL)).sort()).toEqual([
      'alpha',
      'beta',
    ]);
    const alphaOnly = await serverStatus(KEY_ALPHA);
    expect(names(alphaOnly)).toEqual(['alpha']);
    expect(alphaOnly[0]!.tools).toEqual(expect.arrayContaining(['echo']));
  });

  describe.each([false, true])('stream: %s', (stream) => {
    it("offers only the allowed server's tools to the model", async () => {
      for (const key of [KEY_ALPHA, KEY_ALL]) {
        upstream.enqueue(textReply(stream, 'Hello.'));
        await runChat(
          client(key),
          { model: 'fake-model', messages: user('hi') },
          stream,
        );
      }
      const [alphaOnly, all] = upstream.chatRequests.map(offeredTools);
      // Alone, alpha's tools keep their own names.
      expect(alphaOnly).toEqual(expect.arrayContaining(['echo', 'fail']));
      expect(alphaOnly!.some((name) => name.includes('__'))).toBe(false);
      expect(all).toEqual(
        expect.arrayContaining(['alpha__echo', 'beta__echo']),
      );
    });

    it('never runs a tool the key may not use, though the model calls it', async () => {
      const call = {
        id: 'call_b',
        name: 'beta__echo',
        arguments: '{"text":"x"}',
      };
      upstream.enqueue(callsReply(stream, [call]));
      const before = await scrape();
      const refused = await runChat(
        client(KEY_ALPHA),
        { model: 'fake-model', messages: user('echo x') },
        stream,
      );
      // As for any tool the gateway does not run: the client gets the call.
      expect(refused.toolCalls).toEqual([
        { id: 'call_b', name: 'beta__echo', arguments: '{"text":"x"}' },
      ]);
      expect(upstream.chatRequests).toHaveLength(1);
      expect(callsOf(await scrape(), before, 'beta')).toBe(0);

      // The same call by a key that may use it runs on beta.
      upstream.enqueue(callsReply(stream, [call]), textReply(stream, 'Done.'));
      const allowed = await runChat(
        client(KEY_ALL),
        { model: 'fake-model', messages: user('echo x') },
        stream,
      );
      expect(allowed.content).toBe('Done.');
      expect(callsOf(await scrape(), before, 'beta')).toBe(1);
    });

    it('never runs it on /v1/responses either', async () => {
      upstream.enqueue(
        callsReply(stream, [
          { id: 'call_b', name: 'beta__fail', arguments: '{}' },
        ]),
      );
      const before = await scrape();
      const { response } = await runResponses(
        client(KEY_ALPHA),
        { model: 'fake-model', input: 'fail' },
        stream,
      );
      expect(offeredTools(upstream.chatRequests[0])).not.toContain(
        'beta__fail',
      );
      expect(response.output.map((item) => item.type)).toContain(
        'function_call',
      );
      expect(response.output.map((item) => item.type)).not.toContain(
        'mcp_call',
      );
      expect(callsOf(await scrape(), before, 'beta')).toBe(0);
    });

    it('refuses hosted MCP tools with 403 for a key without hosted_mcp', async () => {
      const response = await fetch(`${gateway.url}/v1/responses`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${KEY_ALPHA}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          model: 'fake-model',
          input: 'hi',
          stream,
          tools: [
            {
              type: 'mcp',
              server_label: 'remote',
              server_url: 'http://127.0.0.1:9/mcp',
              require_approval: 'never',
            },
          ],
        }),
      });
      await expectOpenAiError(response, 403, {
        type: 'invalid_request_error',
        code: 'hosted_mcp_not_allowed',
        param: 'tools',
      });
      expect(upstream.requests).toHaveLength(0);
    });
  });
});
