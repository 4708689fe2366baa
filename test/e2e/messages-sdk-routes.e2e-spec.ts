import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completion, textStream } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import {
  expectWellFormedStream,
  withoutPings,
} from '../support/messages-event-order.js';
import {
  anthropicClient,
  expectAnthropicErrorBody,
  sseFrames,
  streamMessage,
} from '../support/messages-sdk.js';

// Recorded from Claude Code 2.1.332, trimmed: see its SOURCE.md.
const CLAUDE_CODE_TURN2 = JSON.parse(
  readFileSync(
    new URL('../fixtures/anthropic/claude-code-turn2.json', import.meta.url),
    'utf8',
  ),
) as {
  system: { text: string }[];
  messages: { role: string; content: unknown }[];
  tools: { name: string }[];
  metadata: { user_id: string };
};

/** The headers Claude Code sends with every request (see the fixture's SOURCE.md). */
const CLAUDE_CODE_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json',
  'anthropic-version': '2023-06-01',
  'anthropic-beta':
    'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27',
  'x-api-key': 'sk-claude-code',
  'x-app': 'cli',
  'user-agent': 'claude-cli/2.1.332 (external, sdk-cli)',
};

type SentMessage = {
  role: string;
  content: unknown;
  tool_calls?: { id: string; function: { name: string } }[];
  tool_call_id?: string;
};

describe('a Claude Code request on /v1/messages?beta=true', () => {
  const harness = useGatewayWithUpstream();

  const post = (stream: boolean) =>
    fetch(`${harness.gateway.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: CLAUDE_CODE_HEADERS,
      body: JSON.stringify({ ...CLAUDE_CODE_TURN2, stream }),
    });

  /** What every Claude Code turn must become upstream. */
  function expectUpstreamRequest(body: Record<string, unknown>): void {
    const messages = body['messages'] as SentMessage[];
    expect(messages.filter((m) => m.role === 'system')).toHaveLength(1);
    expect(messages[0]!.role).toBe('system');
    const system = messages[0]!.content as string;
    // The system blocks but the billing header (metadata whose suffix
    // changes per session), then the role:"system" message, in that order.
    const [billing, ...blocks] = CLAUDE_CODE_TURN2.system;
    expect(billing!.text).toMatch(/^x-anthropic-billing-header:/);
    const parts = [
      ...blocks.map((block) => block.text),
      CLAUDE_CODE_TURN2.messages[1]!.content as string,
    ];
    expect(system).toBe(parts.join('\n\n'));
    expect(messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
    ]);
    const call = messages[2]!.tool_calls![0]!;
    expect(call.function.name).toBe('Write');
    expect(messages[3]!.tool_call_id).toBe(call.id);
    const tools = body['tools'] as {
      function: { name: string; parameters: Record<string, unknown> };
    }[];
    expect(tools.map((t) => t.function.name)).toEqual(
      CLAUDE_CODE_TURN2.tools.map((t) => t.name),
    );
    for (const tool of tools) {
      expect(tool.function.parameters).not.toHaveProperty('$schema');
    }
    expect(body['user']).toBe(CLAUDE_CODE_TURN2.metadata.user_id);
    expect(body['reasoning_effort']).toBe('high');
    expect(body['max_tokens']).toBe(32000);
    for (const field of [
      'system',
      'metadata',
      'thinking',
      'context_management',
      'output_config',
    ]) {
      expect(body).not.toHaveProperty(field);
    }
  }

  it('streams the answer, with exactly one system message first upstream', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['Done', ' writing.']),
    });
    const response = await post(true);
    expect(response.status).toBe(200);
    const frames = await sseFrames(response);
    const events = frames.map((f) => JSON.parse(f.data) as { type: string });
    frames.forEach((frame, i) => expect(frame.event).toBe(events[i]!.type));
    expect(expectWellFormedStream(withoutPings(events))).toEqual([
      { type: 'text', text: 'Done writing.' },
    ]);
    expect(harness.upstream.chatRequests).toHaveLength(1);
    expectUpstreamRequest(harness.upstream.chatRequests[0]!.body);
  });

  it('answers its non-streamed retry the same way', async () => {
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'Done writing.' }),
    });
    const response = await post(false);
    expect(response.status).toBe(200);
    const message = (await response.json()) as Anthropic.Message;
    expect(message.content).toEqual([{ type: 'text', text: 'Done writing.' }]);
    expect(message.model).toBe('some-model');
    expectUpstreamRequest(harness.upstream.chatRequests[0]!.body);
  });
});

describe('/{upstream}/v1/messages', () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let gateway: RunningGateway;
  let dir: string;

  beforeAll(async () => {
    a = await FakeUpstream.start();
    b = await FakeUpstream.start();
    dir = await mkdtemp(join(tmpdir(), 'messages-routes-'));
    const configPath = join(dir, 'upstreams.json');
    await writeFile(
      configPath,
      JSON.stringify({
        upstreams: {
          b: { base_url: b.baseUrl, api_key_env: 'MESSAGES_ROUTES_B_KEY' },
        },
      }),
    );
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: a.baseUrl,
      OPENAI_API_KEY: 'sk-a-secret',
      UPSTREAMS_CONFIG_PATH: configPath,
      MESSAGES_ROUTES_B_KEY: 'sk-b-secret',
      UPSTREAM_MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([a.close(), b.close()]);
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    a.reset();
    b.reset();
  });

  const params: Anthropic.MessageCreateParamsNonStreaming = {
    model: 'qwen3-8b',
    max_tokens: 32,
    messages: [{ role: 'user', content: 'hi' }],
  };

  it('reaches the named upstream with its key and the model untouched', async () => {
    const named = anthropicClient(gateway, { path: '/b' });
    const created = await named.messages.create(params);
    const { message: streamed } = await streamMessage(named, params);
    expect(created.content).toEqual([{ type: 'text', text: 'echo: hi' }]);
    expect(streamed.content).toEqual(created.content);
    expect(a.chatRequests).toHaveLength(0);
    expect(b.chatRequests).toHaveLength(2);
    for (const request of b.chatRequests) {
      expect(request.body.model).toBe('qwen3-8b');
      expect(request.headers.authorization).toBe('Bearer sk-b-secret');
    }
  });

  it('reaches the default upstream without a prefix', async () => {
    await anthropicClient(gateway).messages.create(params);
    expect(a.chatRequests).toHaveLength(1);
    expect(b.chatRequests).toHaveLength(0);
    expect(a.chatRequests[0]!.headers.authorization).toBe('Bearer sk-a-secret');
  });

  it('answers 404 not_found_error in Anthropic shape for an unknown upstream', async () => {
    const response = await fetch(`${gateway.url}/nowhere/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    const message = await expectAnthropicErrorBody(response, 404);
    expect(message).toContain('nowhere');
    expect(a.chatRequests).toHaveLength(0);
    expect(b.chatRequests).toHaveLength(0);
  });
});
