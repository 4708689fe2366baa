import { from, lastValueFrom, Observable, toArray } from 'rxjs';
import { toolCallStream } from '../../../test/support/chat-chunks.js';
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../../protocol/chat-completion.types.js';
import type { McpToolResult } from '../mcp.types.js';
import { runToolLoop, type ToolLoopOptions } from './tool-loop.js';
import type { ServerTool, ToolLoopEvent } from './tool-loop.types.js';

/** Test helpers of the tool loop's specs. */

export const ok = (text: string): McpToolResult => ({
  isError: false,
  text,
  images: [],
  raw: null,
});

/** A scripted model: each call answers with the next chunk list, and is recorded. */
export class ScriptedModel {
  readonly requests: ChatCompletionRequest[] = [];
  constructor(private readonly rounds: Record<string, unknown>[][]) {}

  readonly call = (
    request: ChatCompletionRequest,
  ): Observable<ChatCompletionChunk> => {
    this.requests.push(structuredClone(request));
    const round =
      this.rounds[Math.min(this.requests.length - 1, this.rounds.length - 1)] ??
      [];
    return from(round as ChatCompletionChunk[]);
  };
}

/** A server tool that records its calls and answers with `answer(args)`. */
export function tool(
  name: string,
  answer: (args: string, signal: AbortSignal) => Promise<McpToolResult> = (
    args,
  ) => Promise.resolve(ok(`${name} got ${args}`)),
  requiresApproval = false,
): ServerTool & { calls: string[] } {
  const calls: string[] = [];
  return {
    exposedName: name,
    serverLabel: 'srv',
    toolName: name,
    requiresApproval,
    calls,
    call: (args, signal) => {
      calls.push(args);
      return answer(args, signal);
    },
  };
}

export const request: ChatCompletionRequest = {
  model: 'm',
  messages: [{ role: 'user', content: 'hi' }],
};

export function run(
  model: ScriptedModel,
  tools: ServerTool[],
  options: Partial<ToolLoopOptions> = {},
  body: ChatCompletionRequest = request,
): Promise<ToolLoopEvent[]> {
  return lastValueFrom(
    runToolLoop(body, {
      callModel: model.call,
      tools: { find: (name) => tools.find((t) => t.exposedName === name) },
      maxIterations: 5,
      ...options,
    }).pipe(toArray()),
  );
}

export const kinds = (events: ToolLoopEvent[]): string[] =>
  events
    .filter((e) => e.type !== 'chunk')
    .map((e) =>
      e.type === 'finished' ? `finished:${e.reason}:${e.finishReason}` : e.type,
    );

export const echoCall = (id = 'call_1', args = '{"message":"hi"}') =>
  toolCallStream([{ id, name: 'echo', arguments: args }]);
