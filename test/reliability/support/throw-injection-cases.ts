import { chatSseFormat } from '../../../src/chat-completions/chat-sse.format.js';
import { ChunkDecoder } from '../../../src/llm-client/decoder/chunk-decoder.js';
import { McpManagerService } from '../../../src/mcp/mcp-manager.service.js';
import { ToolCallWithholder } from '../../../src/mcp/tool-loop/tool-call-withholder.js';
import { ResponseEventMachine } from '../../../src/responses/core/response-event-machine.js';
import { ResponsesSseFormat } from '../../../src/responses/responses-sse.format.js';
import { InMemoryResponseStore } from '../../../src/responses/store/in-memory-response.store.js';
import { TextToolCallChoice } from '../../../src/tool-calls/text-tool-call-choice.js';
import type { Ending } from './failure-shapes.js';
import type { Shape } from './request-shapes.js';
import { throwOnCall, type ThrowPoint } from './throw-points.js';

// The cases of throw-injection.e2e-spec.ts: where a throw is injected, which
// request meets it, and how that request must end. The plain cases run on a
// gateway without MCP servers, against an upstream that streams four text
// pieces (so a "third call" or "fourth frame" is mid-stream, after bytes went
// out); the tool-loop cases on one whose model calls an MCP tool first.

export interface InjectionCase {
  stage: string;
  inject: () => ThrowPoint;
  shape: Shape;
  ending: Ending;
}

/** One stage's throw, sent as each request shape, and how each must end. */
function stage(
  name: string,
  inject: () => ThrowPoint,
  endings: Partial<Record<Shape, Ending>>,
): InjectionCase[] {
  return Object.entries(endings).map(([shape, ending]) => ({
    stage: name,
    inject,
    shape: shape as Shape,
    ending,
  }));
}

/** A chunk (raw or decoded) that carries a finish_reason: a later one than the first. */
const isFinishChunk = (chunk: { choices?: { finish_reason?: unknown }[] }) =>
  Boolean(chunk.choices?.[0]?.finish_reason);

const decoder = ChunkDecoder.prototype;
const parser = TextToolCallChoice.prototype;
const machine = ResponseEventMachine.prototype;
const store = InMemoryResponseStore.prototype;
const withholder = ToolCallWithholder.prototype;
const manager = McpManagerService.prototype;

export const PLAIN_CASES: InjectionCase[] = [
  // A chat pass-through forwards text chunks unparsed, so its first decoded
  // chunk is the finish chunk; with tools declared every chunk is decoded.
  ...stage('decoder, first chunk', () => throwOnCall(decoder, 'decode'), {
    'responses stream': 'http 5xx',
    'chat stream tools': 'http 5xx',
  }),
  ...stage(
    'decoder, finish chunk',
    () => throwOnCall(decoder, 'decode', isFinishChunk),
    {
      'responses stream': 'response.failed',
      'chat stream': 'error frame',
    },
  ),
  // Both endpoints run the text tool-call parser once the request declares tools.
  ...stage(
    'text tool-call parser, first call',
    () => throwOnCall(parser, 'rewrite'),
    {
      'chat stream tools': 'http 5xx',
      'chat json tools': 'http 5xx',
      'responses stream tools': 'http 5xx',
      'responses json tools': 'http 5xx',
    },
  ),
  ...stage(
    'text tool-call parser, third call',
    () => throwOnCall(parser, 'rewrite', 3),
    {
      'chat stream tools': 'error frame',
      'responses stream tools': 'response.failed',
    },
  ),
  // response.created goes out before the machine's first onChunk, so even
  // that first call fails after the first byte. A non-streamed response runs
  // the same machine: it comes back as a Response with status `failed`.
  ...stage(
    'event machine onChunk, first call',
    () => throwOnCall(machine, 'onChunk'),
    {
      'responses stream': 'response.failed',
      'responses json': 'failed json',
    },
  ),
  ...stage(
    'event machine onChunk, finish chunk',
    () => throwOnCall(machine, 'onChunk', isFinishChunk),
    {
      'responses stream': 'response.failed',
    },
  ),
  // The text lane's TextDeltas come through onChunk too: its second and
  // third calls are the first two of them.
  ...stage(
    'event machine onChunk, first text delta',
    () => throwOnCall(machine, 'onChunk', 2),
    {
      'responses stream': 'response.failed',
    },
  ),
  ...stage(
    'event machine onChunk, second text delta',
    () => throwOnCall(machine, 'onChunk', 3),
    {
      'responses stream': 'response.failed',
    },
  ),
  ...stage('event machine finish', () => throwOnCall(machine, 'finish'), {
    'responses stream': 'response.failed',
    'responses json': 'failed json',
  }),
  // A response that could not be stored is never answered as stored: the
  // stream ends with response.failed, a plain answer is the error.
  ...stage('store save throws', () => throwOnCall(store, 'save'), {
    'responses stream': 'response.failed',
    'responses json': 'http 5xx',
  }),
  ...stage(
    'store save rejects',
    () => throwOnCall(store, 'save', 1, { reject: true }),
    {
      'responses stream': 'response.failed',
      'responses json': 'http 5xx',
    },
  ),
  // A Responses frame that cannot be written leaves only the writer's last
  // resort after the first byte: an `event: error` frame.
  ...stage(
    'Responses frame writer, first frame',
    () => throwOnCall(ResponsesSseFormat.prototype, 'frame'),
    {
      'responses stream': 'http 5xx',
    },
  ),
  ...stage(
    'Responses frame writer, fourth frame',
    () => throwOnCall(ResponsesSseFormat.prototype, 'frame', 4),
    {
      'responses stream': 'error event',
    },
  ),
  ...stage(
    'chat frame writer, first frame',
    () => throwOnCall(chatSseFormat, 'frame'),
    {
      'chat stream': 'http 5xx',
    },
  ),
  ...stage(
    'chat frame writer, third frame',
    () => throwOnCall(chatSseFormat, 'frame', 3),
    {
      'chat stream': 'error frame',
    },
  ),
];

export const TOOL_LOOP_CASES: InjectionCase[] = [
  ...stage(
    'tool loop withholder push, first chunk',
    () => throwOnCall(withholder, 'push'),
    {
      'chat stream': 'http 5xx',
      'responses stream': 'http 5xx',
    },
  ),
  // The round's first chunk (the assistant role) went out before these.
  ...stage(
    'tool loop withholder push, finish chunk',
    () => throwOnCall(withholder, 'push', isFinishChunk),
    {
      'chat stream': 'error frame',
      'responses stream': 'response.failed',
    },
  ),

  ...stage(
    'tool loop withholder, end of round',
    () => throwOnCall(withholder, 'end'),
    {
      'chat stream': 'error frame',
      'chat json': 'http 5xx',
      'responses stream': 'response.failed',
    },
  ),
];

/** A failing MCP call is the tool's error, handed to the model: the request completes. */
export const MCP_CALL_CASES: InjectionCase[] = [
  ...stage('MCP call throws', () => throwOnCall(manager, 'callTool'), {
    'chat stream': 'completed',
    'responses stream': 'completed',
  }),
  ...stage(
    'MCP call rejects',
    () => throwOnCall(manager, 'callTool', 1, { reject: true }),
    {
      'chat json': 'completed',
      'responses json': 'completed',
    },
  ),
];
