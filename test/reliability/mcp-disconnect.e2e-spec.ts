import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/prometheus-text.test-support.js';
import { chunk, textStream, toolCallStream } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startMcpGateway,
  type McpGateway,
} from '../support/mcp-loop-clients.js';
import { nodeServer, TEST_SERVER_BIN } from '../support/mcp-servers.js';
import { waitUntil } from '../support/wait-until.js';

/**
 * A client that leaves a /v1/responses stream while the gateway runs MCP
 * tools for it: whatever stage the turn is at, the work stops — the model
 * request is aborted, the running tool call is cancelled, and no further
 * model round starts.
 */
describe('client disconnect with MCP calls in flight', () => {
  let upstream: FakeUpstream;
  let mcp: McpGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    mcp = await startMcpGateway(upstream, {
      test: nodeServer(TEST_SERVER_BIN),
    });
  }, 60_000);
  afterAll(async () => {
    await mcp.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  const sleepCall = (ms: number) =>
    toolCallStream([
      { id: 'call_sleep', name: 'sleep', arguments: `{"ms":${ms}}` },
    ]);

  /** Streams a Responses turn and aborts once an event of `type` arrives. */
  async function leaveAt(type: string): Promise<string[]> {
    const abort = new AbortController();
    const response = await fetch(`${mcp.gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'fake-model',
        input: 'use the sleep tool',
        stream: true,
      }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const seen: string[] = [];
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!seen.includes(type)) {
      const { value, done } = await reader.read();
      if (done) {
        throw new Error(
          `the stream ended before ${type}; saw ${seen.join(', ')}`,
        );
      }
      text += decoder.decode(value, { stream: true });
      for (const match of text.matchAll(/^event: (.+)$/gm)) {
        if (!seen.includes(match[1]!)) {
          seen.push(match[1]!);
        }
      }
    }
    abort.abort();
    return seen;
  }

  async function metrics(): Promise<Metrics> {
    return new Metrics(
      await (await fetch(`${mcp.gateway.url}/metrics`)).text(),
    );
  }

  async function sleepCalls(outcome: string): Promise<number> {
    return (await metrics()).value('gateway_mcp_tool_calls_total', {
      tool: 'sleep',
      outcome,
    });
  }

  async function cancelledModelCalls(): Promise<number> {
    return (await metrics()).value(
      'gateway_model_call_duration_seconds_count',
      { outcome: 'cancelled' },
    );
  }

  it('while the model streams its tool call: the model request is aborted, no tool runs', async () => {
    const okBefore = await sleepCalls('ok');
    const abortedBefore = await sleepCalls('aborted');
    const cancelledBefore = await cancelledModelCalls();
    upstream.enqueue({
      kind: 'stream',
      chunks: sleepCall(10),
      intervalMs: 150,
    });
    await leaveAt('response.in_progress');
    await upstream.waitForAborts(1);
    // A tool runs, and a next round starts, only after a model round has
    // answered; a round counted as cancelled never answers, so once it is
    // counted nothing more can come of this turn.
    await waitUntil(
      async () => (await cancelledModelCalls()) === cancelledBefore + 1,
      () => 'the model call to be counted as cancelled',
    );
    expect(upstream.chatRequests).toHaveLength(1);
    expect(await sleepCalls('ok')).toBe(okBefore);
    expect(await sleepCalls('aborted')).toBe(abortedBefore);
  });

  it('while the MCP tool runs: the call is cancelled and no second model round starts', async () => {
    const abortedBefore = await sleepCalls('aborted');
    upstream.enqueue({ kind: 'stream', chunks: sleepCall(20_000) });
    await leaveAt('response.mcp_call.in_progress');
    // A call counts as aborted only when the tool loop's own signal aborted,
    // which only its unsubscribe does (a call that failed otherwise counts
    // as an error and would be answered by a next round): once it is
    // counted, the loop is gone and no round can follow.
    await waitUntil(
      async () => (await sleepCalls('aborted')) === abortedBefore + 1,
      () => 'the sleep call to be counted as aborted',
      10_000,
    );
    expect(upstream.chatRequests).toHaveLength(1);
  });

  it('during the model round after the tool result: that model request is aborted', async () => {
    upstream.enqueue(
      { kind: 'stream', chunks: sleepCall(10) },
      {
        kind: 'stream',
        chunks: [
          chunk({ role: 'assistant', content: '' }),
          ...textStream(['slept ', 'well', '.']).slice(1),
        ],
        intervalMs: 200,
      },
    );
    const seen = await leaveAt('response.output_text.delta');
    expect(seen).toContain('response.mcp_call.completed');
    await upstream.waitForAborts(1);
    expect(upstream.chatRequests).toHaveLength(2);
    expect(upstream.chatRequests[1]!.aborted).toBe(true);
  });
});
