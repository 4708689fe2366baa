import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { McpManagerService } from '../../src/mcp/mcp-manager.service.js';
import {
  chunk,
  completion,
  textStream,
  usageChunk,
} from '../support/chat-chunks.js';
import type { FakeReply, RecordedRequest } from '../support/fake-upstream.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { callNamed } from '../support/mcp-manager-harness.js';
import { EVERYTHING_BIN, nodeServer, TempDir } from '../support/mcp-servers.js';
import { waitUntil } from '../support/wait-until.js';
import { Metrics } from '../../src/metrics/prometheus-text.test-support.js';

const MODEL = 'fake-model';

describe('GET /metrics', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;
  let dir: TempDir;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    // Listed on /models, so the gateway may use it as a `model` label value.
    upstream.models.push('model-a');
    dir = await TempDir.create();
    const mcpConfig = await dir.writeConfig({
      everything: nodeServer(EVERYTHING_BIN, ['stdio']),
    });
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      MCP_SERVERS_CONFIG_PATH: mcpConfig,
      UPSTREAM_MAX_RETRIES: '1',
    });
    client = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'sk-test',
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
    await dir.remove();
  });
  beforeEach(() => upstream.reset());

  const scrape = async (): Promise<Metrics> => {
    const answer = await fetch(`${gateway.url}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    return new Metrics(await answer.text());
  };

  it('renders the Prometheus text format with the default Node metrics, prefixed', async () => {
    const sut = await scrape();
    expect(sut.text).toContain('# TYPE gateway_requests_total counter');
    expect(sut.value('gateway_process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(sut.value('gateway_nodejs_heap_size_total_bytes')).toBeGreaterThan(
      0,
    );
  });

  it('counts a chat completion by route pattern, method and status, with its tokens', async () => {
    const before = await scrape();
    upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'hi' }, 'stop', { model: 'model-a' }),
    });
    await client.chat.completions.create({
      model: 'model-a',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const after = await scrape();
    const labels = {
      route: '/v1/chat/completions',
      method: 'POST',
      status: '200',
    };
    expect(after.delta(before, 'gateway_requests_total', labels)).toBe(1);
    expect(
      after.delta(before, 'gateway_request_duration_seconds_count', labels),
    ).toBe(1);
    expect(
      after.delta(before, 'gateway_time_to_first_byte_seconds_count', {
        route: '/v1/chat/completions',
      }),
    ).toBe(1);
    expect(
      after.delta(before, 'gateway_tokens_total', {
        model: 'model-a',
        direction: 'input',
      }),
    ).toBe(10);
    expect(
      after.delta(before, 'gateway_tokens_total', {
        model: 'model-a',
        direction: 'output',
      }),
    ).toBe(20);
    expect(
      after.delta(before, 'gateway_upstream_requests_total', {
        upstream: 'default',
        outcome: 'ok',
      }),
    ).toBe(1);
  });

  it('counts a Responses stream, its first byte, its tokens, and no stream left open', async () => {
    const before = await scrape();
    upstream.enqueue({ kind: 'stream', chunks: textStream(['a', 'b', 'c']) });
    const stream = await client.responses.create({
      model: MODEL,
      input: 'hi',
      stream: true,
    });
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
    }
    expect(types.at(-1)).toBe('response.completed');
    const after = await scrape();
    expect(
      after.delta(before, 'gateway_requests_total', {
        route: '/v1/responses',
        status: '200',
      }),
    ).toBe(1);
    expect(
      after.delta(before, 'gateway_time_to_first_byte_seconds_count', {
        route: '/v1/responses',
      }),
    ).toBe(1);
    expect(
      after.delta(before, 'gateway_tokens_total', {
        model: MODEL,
        direction: 'output',
      }),
    ).toBe(20);
    expect(after.value('gateway_active_streams')).toBe(0);
  });

  it('shows an open stream in gateway_active_streams, and a cut one as status 499', async () => {
    const before = await scrape();
    upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['one', 'two', 'three']),
      stallAfter: 2,
    });
    const abort = new AbortController();
    const answer = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: MODEL,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      signal: abort.signal,
    });
    const reader = answer.body!.getReader();
    await reader.read();
    const during = await scrape();
    expect(during.value('gateway_active_streams')).toBe(1);
    // The scrape itself is in flight while it renders.
    expect(during.value('gateway_requests_in_flight')).toBe(2);
    abort.abort();
    await upstream.waitForAborts(1);
    let after = await scrape();
    await waitUntil(
      async () => {
        after = await scrape();
        return after.value('gateway_active_streams') === 0;
      },
      () => 'the stream to close',
    );
    expect(
      after.delta(before, 'gateway_requests_total', {
        route: '/v1/chat/completions',
        status: '499',
      }),
    ).toBe(1);
  });

  it('counts proxied calls under the wildcard route, never the raw URL', async () => {
    const before = await scrape();
    await fetch(`${gateway.url}/v1/embeddings?user=42`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"input":"x"}',
    });
    await fetch(`${gateway.url}/v1/files/file-abc`);
    const after = await scrape();
    expect(
      after.delta(before, 'gateway_requests_total', {
        route: '/v1/*',
        status: '200',
      }),
    ).toBe(2);
    expect(after.text).not.toContain('file-abc');
    expect(after.text).not.toContain('user=42');
    expect(
      after.delta(before, 'gateway_upstream_requests_total', {
        upstream: 'default',
        outcome: 'ok',
      }),
    ).toBe(2);
  });

  it('counts upstream errors by kind and retries by upstream', async () => {
    const before = await scrape();
    upstream.enqueue(
      { kind: 'error', status: 503 },
      { kind: 'json', body: completion({ content: 'retried' }) },
      { kind: 'error', status: 500, body: { error: { message: 'boom' } } },
    );
    const retried = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(retried.choices[0]!.message.content).toBe('retried');
    await expect(
      client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    const after = await scrape();
    const upstreamLabel = { upstream: 'default' };
    expect(
      after.delta(before, 'gateway_upstream_retries_total', upstreamLabel),
    ).toBe(1);
    expect(
      after.delta(before, 'gateway_upstream_errors_total', {
        ...upstreamLabel,
        kind: 'http_503',
      }),
    ).toBe(1);
    expect(
      after.delta(before, 'gateway_upstream_errors_total', {
        ...upstreamLabel,
        kind: 'http_500',
      }),
    ).toBe(1);
    expect(
      after.delta(before, 'gateway_upstream_requests_total', {
        ...upstreamLabel,
        outcome: 'error',
      }),
    ).toBe(2);
    expect(
      after.delta(before, 'gateway_requests_total', {
        route: '/v1/chat/completions',
        status: '500',
      }),
    ).toBe(1);
  });

  it('counts a stream the upstream cuts as an upstream error', async () => {
    const before = await scrape();
    upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['a', 'b']),
      disconnectAfter: 2,
    });
    const answer = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: MODEL,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(await answer.text()).toContain('"error"');
    const after = await scrape();
    const kinds = after.series('gateway_upstream_errors_total', {
      upstream: 'default',
    });
    const grew = kinds.filter(
      (s) => s.value > before.value('gateway_upstream_errors_total', s.labels),
    );
    expect(grew.map((s) => s.labels.kind)).toEqual([
      expect.stringMatching(/^(unreachable|bad_response)$/),
    ]);
  });

  it('counts MCP tool calls by server, tool and outcome, with their latency', async () => {
    const mcp = gateway.app.get(McpManagerService);
    await mcp.whenInitialConnectsSettled();
    const before = await scrape();
    const ok = await callNamed(mcp, 'echo', '{"message":"hi"}');
    expect(ok.isError).toBe(false);
    const failed = await callNamed(mcp, 'echo', '{"wrong":1}');
    expect(failed.isError).toBe(true);
    const late = await callNamed(
      mcp,
      'trigger-long-running-operation',
      '{"duration":5,"steps":5}',
      { timeoutMs: 100 },
    );
    expect(late.isError).toBe(true);
    const abort = new AbortController();
    const aborted = callNamed(
      mcp,
      'trigger-long-running-operation',
      '{"duration":5,"steps":5}',
      { signal: abort.signal },
    );
    setTimeout(() => abort.abort(), 50);
    await expect(aborted).rejects.toBeDefined();
    const after = await scrape();
    const calls = (tool: string, outcome: string): number =>
      after.delta(before, 'gateway_mcp_tool_calls_total', {
        server: 'everything',
        tool,
        outcome,
      });
    expect(calls('echo', 'ok')).toBe(1);
    expect(calls('echo', 'error')).toBe(1);
    expect(calls('trigger-long-running-operation', 'timeout')).toBe(1);
    expect(calls('trigger-long-running-operation', 'aborted')).toBe(1);
    expect(
      after.delta(before, 'gateway_mcp_tool_call_duration_seconds_count', {
        server: 'everything',
      }),
    ).toBe(4);
  });

  it('keeps /metrics bounded when 3,000 requests name models nobody listed', async () => {
    const before = await scrape();
    // The worst case: an upstream that reports whatever model it was asked for.
    upstream.setHandler(echoModel);
    const names = Array.from(
      { length: 3_000 },
      (_, i) => `${i % 3 === 0 ? 'nobody/' : ''}random-${randomUUID()}`,
    );
    await inBatches(names, 8, async (model, i) => {
      const chat = i % 2 === 0;
      const answer = await fetch(
        `${gateway.url}/v1/${chat ? 'chat/completions' : 'responses'}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(
            chat
              ? {
                  model,
                  stream: i % 4 === 0,
                  messages: [{ role: 'user', content: 'hi' }],
                }
              : { model, input: 'hi', store: false },
          ),
        },
      );
      await answer.text();
      expect(answer.status).toBe(200);
    });
    const after = await scrape();
    const models = new Set(
      after.series('gateway_tokens_total').map((s) => s.labels.model),
    );
    expect(
      [...models].filter(
        (m) => !['fake-model', 'fake-model-2', 'model-a', 'other'].includes(m!),
      ),
    ).toEqual([]);
    expect(names.filter((name) => after.text.includes(name))).toEqual([]);
    // Nothing lost: every answer's tokens are counted, as `other`.
    expect(
      after.delta(before, 'gateway_tokens_total', {
        model: 'other',
        direction: 'output',
      }),
    ).toBe(names.length * 20);
    // 6,000 series of ~60 bytes would have added ~360 KB.
    expect(after.text.length - before.text.length).toBeLessThan(16 * 1024);
  }, 180_000);

  it('keeps the counts of each app apart (one registry per app)', async () => {
    const other = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
    try {
      const mine = await scrape();
      expect(
        mine.value('gateway_requests_total', { route: '/metrics' }),
      ).toBeGreaterThan(1);
      const theirs = new Metrics(
        await (await fetch(`${other.url}/metrics`)).text(),
      );
      expect(theirs.value('gateway_requests_total')).toBe(0);
      expect(theirs.value('gateway_process_cpu_seconds_total')).toBeGreaterThan(
        0,
      );
    } finally {
      await other.close();
    }
  });
});

/** A completion (streamed or not) whose `model` is the one requested, with 10 + 20 tokens. */
function echoModel(request: RecordedRequest): FakeReply {
  const model = String(request.body?.model);
  if (request.body?.stream) {
    return {
      kind: 'stream',
      chunks: [
        chunk({ role: 'assistant', content: 'x' }, null, { model }),
        chunk({}, 'stop', { model }),
        { ...usageChunk(), model },
      ],
    };
  }
  return {
    kind: 'json',
    body: completion({ content: 'x' }, 'stop', { model }),
  };
}

/** Runs `task` over `items`, `width` at a time. */
async function inBatches<T>(
  items: readonly T[],
  width: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < items.length; start += width) {
    await Promise.all(
      items
        .slice(start, start + width)
        .map((item, offset) => task(item, start + offset)),
    );
  }
}
