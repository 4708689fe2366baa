import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EXAMPLE_TOOLS,
  TEXT_TOOL_CALL_EXAMPLES,
} from '../../src/tool-calls/text-tool-call-examples.test-support.js';
import { completion, textStream } from '../support/chat-chunks.js';
import { expectOpenAiError } from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';

const CALL_TEXT = TEXT_TOOL_CALL_EXAMPLES[0]!.text;
const tools = EXAMPLE_TOOLS as OpenAI.Chat.ChatCompletionTool[];
const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'user', content: 'hi' },
];

/** Every upstream answers with a Hermes tool call written as text. */
function answerWithCall(...upstreams: FakeUpstream[]): void {
  for (const upstream of upstreams) {
    upstream.setHandler((request) =>
      request.body?.stream
        ? { kind: 'stream', chunks: textStream([CALL_TEXT]) }
        : { kind: 'json', body: completion({ content: CALL_TEXT }) },
    );
  }
}

function clientFor(gateway: RunningGateway, path = '/v1'): OpenAI {
  return new OpenAI({
    baseURL: `${gateway.url}${path}`,
    apiKey: 'sk-client',
    maxRetries: 0,
  });
}

describe('/{upstream}/v1/chat/completions and /{upstream}/v1/responses', () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let c: FakeUpstream;
  let gateway: RunningGateway;
  let dir: string;

  beforeAll(async () => {
    a = await FakeUpstream.start();
    b = await FakeUpstream.start();
    c = await FakeUpstream.start();
    dir = await mkdtemp(join(tmpdir(), 'path-routes-'));
    const configPath = join(dir, 'upstreams.json');
    await writeFile(
      configPath,
      JSON.stringify({
        upstreams: {
          b: {
            base_url: b.baseUrl,
            api_key_env: 'PATH_ROUTES_B_KEY',
          },
          // c's models write no text tool calls: its text is left alone.
          c: { base_url: c.baseUrl, tool_call_format: 'none' },
        },
      }),
    );
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: a.baseUrl,
      OPENAI_API_KEY: 'sk-a-secret',
      UPSTREAMS_CONFIG_PATH: configPath,
      PATH_ROUTES_B_KEY: 'sk-b-secret',
      UPSTREAM_MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([a.close(), b.close(), c.close()]);
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    a.reset();
    b.reset();
    c.reset();
    answerWithCall(a, b, c);
  });

  it('POST /b/v1/chat/completions reaches upstream b with its key and the model untouched', async () => {
    const result = await clientFor(gateway, '/b/v1').chat.completions.create({
      model: 'qwen3-8b',
      messages,
      tools,
    });
    expect(a.chatRequests).toHaveLength(0);
    expect(b.chatRequests).toHaveLength(1);
    expect(b.chatRequests[0]!.body.model).toBe('qwen3-8b');
    expect(b.chatRequests[0]!.headers.authorization).toBe('Bearer sk-b-secret');
    expect(result.choices[0]!.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather' },
    });
  });

  it('leaves the text alone on an upstream whose tool_call_format is none', async () => {
    const result = await clientFor(gateway, '/c/v1').chat.completions.create({
      model: 'qwen3-8b',
      messages,
      tools,
    });
    expect(c.chatRequests).toHaveLength(1);
    expect(result.choices[0]!.message.content).toBe(CALL_TEXT);
    expect(result.choices[0]!.message.tool_calls).toBeUndefined();
  });

  it('streams from the named upstream too', async () => {
    const stream = await clientFor(gateway, '/b/v1').chat.completions.create({
      model: 'm',
      messages,
      stream: true,
    });
    let content = '';
    for await (const part of stream) {
      content += part.choices[0]?.delta.content ?? '';
    }
    expect(content).toBe(CALL_TEXT);
    expect(b.chatRequests).toHaveLength(1);
  });

  it('POST /b/v1/responses reaches upstream b', async () => {
    const response = await clientFor(gateway, '/b/v1').responses.create({
      model: 'qwen3-8b',
      input: 'hi',
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          parameters: EXAMPLE_TOOLS[0]!.function.parameters ?? null,
          strict: false,
        },
      ],
    });
    expect(response.output.map((item) => item.type)).toEqual(['function_call']);
    expect(b.chatRequests).toHaveLength(1);
    expect(a.chatRequests).toHaveLength(0);
  });

  it('routes /v1/chat/completions by a name/ prefix and parses on the default upstream', async () => {
    await clientFor(gateway).chat.completions.create({
      model: 'b/qwen3-8b',
      messages,
    });
    expect(b.chatRequests[0]!.body.model).toBe('qwen3-8b');
    const parsed = await clientFor(gateway).chat.completions.create({
      model: 'qwen3-8b',
      messages,
      tools,
    });
    expect(a.chatRequests).toHaveLength(1);
    expect(a.chatRequests[0]!.headers.authorization).toBe('Bearer sk-a-secret');
    expect(parsed.choices[0]!.message.tool_calls).toHaveLength(1);
  });

  it('answers 404 for an upstream name that is not configured', async () => {
    for (const path of ['chat/completions', 'responses']) {
      await expectOpenAiError(
        await fetch(`${gateway.url}/nowhere/v1/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'm', messages, input: 'hi' }),
        }),
        404,
        { code: 'upstream_not_found' },
      );
    }
    expect(a.chatRequests).toHaveLength(0);
  });
});

describe('FORWARD_CLIENT_AUTH on the model endpoints', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      OPENAI_API_KEY: 'sk-upstream-secret',
      FORWARD_CLIENT_AUTH: 'true',
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.reset();
    answerWithCall(upstream);
  });

  it("sends the client's Authorization on chat completions and responses", async () => {
    const client = clientFor(gateway);
    await client.chat.completions.create({ model: 'm', messages });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages,
      stream: true,
    });
    for await (const _part of stream) {
      // drain
    }
    await client.responses.create({ model: 'm', input: 'hi' });
    await client.responses.stream({ model: 'm', input: 'hi' }).finalResponse();
    expect(upstream.chatRequests.map((r) => r.headers.authorization)).toEqual(
      Array(4).fill('Bearer sk-client'),
    );
  });
});
