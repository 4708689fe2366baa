import type { ChatCompletionRequest } from '../../protocol/chat-completion.types.js';
import type {
  CreateResponseRequest,
  ResponseInputItem,
} from '../../protocol/responses.types.js';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { toChatMessages } from './input-items.mapper.js';
import { toChatOptions } from './request-options.mapper.js';
import { toChatToolChoice } from './tool-choice.mapper.js';
import type { ToolNameMap } from './tool-name-map.js';
import { toChatTools } from './tools.mapper.js';

/** A Responses request translated for a Chat Completions backend. */
export interface ChatRequestPlan {
  /** The chat request, without `stream`/`stream_options` (the caller sets them). */
  chat: ChatCompletionRequest;
  /** Chat function names → the tools the client declared (restores custom/namespace on output). */
  tools: ToolNameMap;
  /** Types of the hosted tools that were left out. */
  droppedTools: string[];
}

/**
 * Translates a `POST /v1/responses` body, checked by its DTO, to a chat
 * completion request.
 *
 * `history` = the items of earlier turns (previous_response chain: each
 * turn's input items then output items, oldest first). Item references
 * are resolved before (TurnPreparationService). `instructions` become the
 * leading system message; they are never taken from history. The only
 * refusal left here is a conversation with no message at all (400 on
 * `input`).
 */
export function toChatRequest(
  request: CreateResponseRequest,
  history: readonly ResponseInputItem[],
): ChatRequestPlan {
  const messages = toChatMessages([
    ...instructionItems(request.instructions),
    // History comes from the gateway's own store, not from this request.
    ...history,
    ...inputItems(request.input),
  ]);
  if (messages.length === 0) {
    throw new GatewayException(
      'invalid_request',
      `Missing required parameter: 'input'.`,
      { param: 'input' },
    );
  }
  const declared = toChatTools(request.tools);
  const choice = toChatToolChoice(
    request.tool_choice,
    declared.tools,
    declared.names,
  );
  const chat: ChatCompletionRequest = {
    model: request.model,
    messages,
    ...toChatOptions(request),
  };
  // A chat backend rejects tool_choice/parallel_tool_calls without tools.
  if (choice.tools.length > 0) {
    chat.tools = choice.tools;
    if (choice.toolChoice !== undefined) {
      chat['tool_choice'] = choice.toolChoice;
    }
    if (typeof request.parallel_tool_calls === 'boolean') {
      chat['parallel_tool_calls'] = request.parallel_tool_calls;
    }
  }
  return { chat, tools: declared.names, droppedTools: declared.dropped };
}

function instructionItems(
  instructions: CreateResponseRequest['instructions'],
): ResponseInputItem[] {
  if (typeof instructions === 'string') {
    return instructions === ''
      ? []
      : [{ role: 'system', content: instructions }];
  }
  return instructions ?? [];
}

function inputItems(
  input: CreateResponseRequest['input'],
): ResponseInputItem[] {
  if (typeof input === 'string') {
    return [{ role: 'user', content: input }];
  }
  return input ?? [];
}
