import { expect } from 'vitest';
import {
  completion,
  textStream,
  toolCallStream,
  type ToolCallSpec,
} from './chat-chunks.js';
import type { FakeReply, RecordedRequest } from './fake-upstream.js';
import { validateResponse, validateStreamEvent } from './openapi-schemas.js';
import { expectSchemaValid } from './responses-assertions.js';

/** The item types of the Responses API's hosted MCP (not in the Open Responses spec). */
const MCP_ITEM_TYPES = new Set([
  'mcp_list_tools',
  'mcp_call',
  'mcp_approval_request',
]);

const isMcpItem = (item: unknown): boolean =>
  MCP_ITEM_TYPES.has(String((item as { type?: unknown } | null)?.type));

/**
 * expectSchemaValid for responses with MCP items. Open Responses defines no
 * MCP items nor hosted `mcp` tools, so those are checked against OpenAI's
 * spec only: every event and the whole response against OpenAI, and the rest
 * (MCP items, their events and `mcp` tools left out) against both specs.
 */
export function expectMcpSchemaValid(
  events: readonly unknown[],
  response: unknown,
): void {
  expect(events.flatMap((event) => validateStreamEvent(event))).toEqual([]);
  expect(validateResponse(response)).toEqual([]);
  const mcpIds = new Set(
    ((response as { output?: unknown[] }).output ?? [])
      .filter(isMcpItem)
      .map((item) => (item as { id: string }).id),
  );
  const rest = events.filter((event) => {
    const e = event as { item?: unknown; item_id?: unknown; type?: string };
    return !(
      isMcpItem(e.item) ||
      mcpIds.has(String(e.item_id)) ||
      e.type?.startsWith('response.mcp_')
    );
  });
  const lifecycle = (value: unknown): unknown => {
    const e = value as { response?: unknown };
    return e.response === undefined
      ? value
      : { ...e, response: withoutMcp(e.response) };
  };
  expectSchemaValid(rest.map(lifecycle), withoutMcp(response));
}

/** A Response without its MCP items, hosted `mcp` tools and `mcp` tool_choice. */
function withoutMcp(response: unknown): unknown {
  const r = response as {
    output?: unknown[];
    tools?: unknown[];
    tool_choice?: unknown;
  };
  const mcpChoice =
    (r.tool_choice as { type?: unknown } | undefined)?.type === 'mcp';
  return {
    ...r,
    output: (r.output ?? []).filter((item) => !isMcpItem(item)),
    tools: (r.tools ?? []).filter(
      (tool) => (tool as { type?: unknown }).type !== 'mcp',
    ),
    ...(mcpChoice ? { tool_choice: 'auto' } : {}),
  };
}

/** A model turn that calls tools, as a stream or a completion. */
export function callsReply(
  stream: boolean,
  calls: ToolCallSpec[],
  text?: string,
): FakeReply {
  if (stream) {
    return { kind: 'stream', chunks: toolCallStream(calls, text) };
  }
  return {
    kind: 'json',
    body: completion(
      {
        content: text ?? null,
        tool_calls: calls.map((call, index) => ({
          id: call.id ?? `call_${index}`,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      },
      'tool_calls',
    ),
  };
}

/** A model turn that answers with text, as a stream or a completion. */
export function textReply(stream: boolean, text: string): FakeReply {
  return stream
    ? { kind: 'stream', chunks: textStream(text.match(/.{1,6}/gs) ?? [text]) }
    : { kind: 'json', body: completion({ content: text }) };
}

/** The `tool` messages a recorded chat request carries. */
export function toolMessages(
  request: RecordedRequest | undefined,
): { tool_call_id: string; content: unknown }[] {
  return (
    (request?.body?.messages ?? []) as {
      role: string;
      tool_call_id: string;
      content: unknown;
    }[]
  )
    .filter((m) => m.role === 'tool')
    .map(({ tool_call_id, content }) => ({ tool_call_id, content }));
}

/** The function names a recorded chat request offered the model. */
export function offeredTools(request: RecordedRequest | undefined): string[] {
  return ((request?.body?.tools ?? []) as { function: { name: string } }[]).map(
    (t) => t.function.name,
  );
}
