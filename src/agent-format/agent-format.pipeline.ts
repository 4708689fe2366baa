import { identity, type MonoTypeOperatorFunction } from 'rxjs';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../protocol/chat-completion.types.js';
import type { ToolLoopEvent } from '../mcp/tool-loop/tool-loop.types.js';
import type { ModelCallOptions } from '../model-call/model-call.service.js';
import type { AgentFormat } from '../config/agent-format-setting.js';
import { toolCallsFromTaggedHistory } from './tagged-history.js';
import {
  chunksWithTextToolCalls,
  completionWithTextToolCalls,
  loopEventsWithTextToolCalls,
} from './tool-calls-as-text.js';
import { withFields } from '../common/objects/with-fields.js';

/*
 * Where an agent format applies, for both endpoints: on the way up, the
 * tagged history becomes tool_calls and `passthrough` turns text parsing
 * off; on the way down, after the MCP tool loop, client tool calls become
 * tagged text. With `openai` every step is the identity.
 */

/** Model-call options for this format: `passthrough` keeps the model's text as it is. */
export function modelOptionsFor<T extends ModelCallOptions>(
  options: T,
  format: AgentFormat,
): T {
  return format.kind === 'passthrough'
    ? withFields(options, { textToolCalls: false })
    : options;
}

/** The chat request with the client's tagged calls parsed back (text formats only). */
export function chatRequestFor(
  request: ChatCompletionRequest,
  format: AgentFormat,
): ChatCompletionRequest {
  if (format.kind !== 'tags') {
    return request;
  }
  const messages = toolCallsFromTaggedHistory(
    request.messages,
    format,
    request.tools,
  );
  return messages === request.messages
    ? request
    : withFields(request, { messages });
}

/** The client's chunks: tool calls as tagged text (text formats only). */
export function chunksFor(
  format: AgentFormat,
): MonoTypeOperatorFunction<ChatCompletionChunk> {
  return format.kind === 'tags' ? chunksWithTextToolCalls(format) : identity;
}

/** The Responses endpoint's loop events: tool calls as tagged text (text formats only). */
export function loopEventsFor(
  format: AgentFormat,
): MonoTypeOperatorFunction<ToolLoopEvent> {
  return format.kind === 'tags'
    ? loopEventsWithTextToolCalls(format)
    : identity;
}

/** The client's completion: tool calls as tagged text (text formats only). */
export function completionFor(
  completion: ChatCompletion,
  format: AgentFormat,
): ChatCompletion {
  return format.kind === 'tags'
    ? completionWithTextToolCalls(completion, format)
    : completion;
}
