import OpenAI from 'openai';
import { expect } from 'vitest';
import { checkStream } from '../../src/responses/core/stream-checker.test-support.js';
import type { ResponseStreamEvent } from '../../src/protocol/responses.types.js';
import type { McpServerStatus } from '../../src/mcp/mcp.types.js';
import type { FakeUpstream } from './fake-upstream.js';
import { startGateway, type RunningGateway } from './gateway-harness.js';
import { TempDir, waitFor } from './mcp-servers.js';
import { expectMcpSchemaValid } from './mcp-loop-support.js';
import {
  validateChatCompletion,
  validateChatCompletionChunk,
} from './openapi-schemas.js';

/** A gateway with MCP servers, all connected, and an openai client for it. */
export interface McpGateway {
  gateway: RunningGateway;
  client: OpenAI;
  dir: TempDir;
  close(): Promise<void>;
}

/** Starts the gateway with these `mcpServers` and waits until every one is connected. */
export async function startMcpGateway(
  upstream: FakeUpstream,
  servers: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<McpGateway> {
  const dir = await TempDir.create();
  const gateway = await startGateway({
    OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    MCP_SERVERS_CONFIG_PATH: await dir.writeConfig(servers),
    ...env,
  });
  await waitFor(
    async () => (await serverStatus(gateway)).every((s) => s.connected),
    20_000,
    'every MCP server connected',
  );
  const client = new OpenAI({
    baseURL: `${gateway.url}/v1`,
    apiKey: 'sk-test',
    maxRetries: 0,
  });
  let closing: Promise<void> | undefined;
  return {
    gateway,
    client,
    dir,
    // Once, though a test may close it before afterAll does.
    close: () => (closing ??= gateway.close().then(() => dir.remove())),
  };
}

export async function serverStatus(
  gateway: RunningGateway,
): Promise<McpServerStatus[]> {
  const response = await fetch(`${gateway.url}/v1/mcp/servers`);
  return ((await response.json()) as { data: McpServerStatus[] }).data;
}

/** What a chat completion (streamed or not) came to. */
export interface ChatResult {
  content: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: string | null;
  usage: OpenAI.CompletionUsage | null | undefined;
  /** Streaming only: distinct ids, role deltas and finish reasons seen. */
  ids: Set<string>;
  roles: number;
  finishes: number;
}

/**
 * One chat completion through the openai client; every chunk or body the
 * gateway made is checked against the spec (`validate: false` for a
 * pass-through of the fake upstream's own body).
 */
export async function runChat(
  client: OpenAI,
  body: Record<string, unknown>,
  stream: boolean,
  headers: Record<string, string> = {},
  validate = true,
): Promise<ChatResult> {
  if (!stream) {
    const completion = (await client.chat.completions.create(
      { ...body, stream: false } as never,
      { headers },
    )) as OpenAI.ChatCompletion;
    if (validate) {
      expect(validateChatCompletion(completion)).toEqual([]);
    }
    const choice = completion.choices[0]!;
    return {
      content: choice.message.content ?? '',
      toolCalls: (choice.message.tool_calls ?? []).map((c) => {
        const call = c as OpenAI.ChatCompletionMessageFunctionToolCall;
        return {
          id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
        };
      }),
      finishReason: choice.finish_reason,
      usage: completion.usage,
      ids: new Set([completion.id]),
      roles: 1,
      finishes: 1,
    };
  }
  const chunks = (await client.chat.completions.create(
    { ...body, stream: true } as never,
    { headers },
  )) as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>;
  const result: ChatResult = {
    content: '',
    toolCalls: [],
    finishReason: null,
    usage: null,
    ids: new Set(),
    roles: 0,
    finishes: 0,
  };
  for await (const chunk of chunks) {
    expect(validateChatCompletionChunk(chunk)).toEqual([]);
    result.ids.add(chunk.id);
    result.usage = chunk.usage ?? result.usage;
    for (const choice of chunk.choices) {
      result.content += choice.delta.content ?? '';
      result.roles += choice.delta.role ? 1 : 0;
      if (choice.finish_reason) {
        result.finishes += 1;
        result.finishReason = choice.finish_reason;
      }
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = (result.toolCalls[delta.index] ??= {
          id: '',
          name: '',
          arguments: '',
        });
        call.id ||= delta.id ?? '';
        call.name ||= delta.function?.name ?? '';
        call.arguments += delta.function?.arguments ?? '';
      }
    }
  }
  return result;
}

/** What a Responses call (streamed or not) came to. */
export interface ResponsesResult {
  response: OpenAI.Responses.Response;
  events: ResponseStreamEvent[];
}

/**
 * One Responses call through the openai client. A stream is replayed as the
 * SDK accumulator does (one item at a time, ids stable) and checked against
 * the spec, with its terminal Response.
 */
export async function runResponses(
  client: OpenAI,
  body: Record<string, unknown>,
  stream: boolean,
  headers: Record<string, string> = {},
): Promise<ResponsesResult> {
  if (!stream) {
    const response = (await client.responses.create(
      { ...body, stream: false } as never,
      {
        headers,
      },
    )) as OpenAI.Responses.Response;
    expectMcpSchemaValid([], response);
    return { response, events: [] };
  }
  const events: ResponseStreamEvent[] = [];
  const iterable = (await client.responses.create(
    { ...body, stream: true } as never,
    {
      headers,
    },
  )) as unknown as AsyncIterable<ResponseStreamEvent>;
  for await (const event of iterable) {
    events.push(event);
  }
  const { final } = checkStream(events);
  expectMcpSchemaValid(events, final);
  return { response: final as unknown as OpenAI.Responses.Response, events };
}

/** The output item types of a response, in order. */
export const itemTypes = (response: OpenAI.Responses.Response): string[] =>
  response.output.map((item) => item.type);

/** The output items of one type. */
export function itemsOf<T extends OpenAI.Responses.ResponseOutputItem['type']>(
  response: OpenAI.Responses.Response,
  type: T,
): Extract<OpenAI.Responses.ResponseOutputItem, { type: T }>[] {
  return response.output.filter((item) => item.type === type) as Extract<
    OpenAI.Responses.ResponseOutputItem,
    { type: T }
  >[];
}
