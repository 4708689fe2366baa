import { GatewayException } from '../../common/errors/gateway.exception.js';
import type { ChatCompletionRequest } from '../../protocol/chat-completion.types.js';
import { type SourcedItem, toChatMessages } from './input-items.mapper.js';
import { parallelToolCalls, toChatOptions } from './request-options.mapper.js';
import { invalidRequest, isRecord, requireString } from './request-guards.js';
import type {
  CreateResponseRequest,
  ResponseInputItem,
} from '../../protocol/responses.types.js';
import { toChatToolChoice } from './tool-choice.mapper.js';
import type { ToolNameMap } from './tool-name-map.js';
import { toChatTools } from './tools.mapper.js';

export type { DeclaredTool, ToolNameMap } from './tool-name-map.js';

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
 * Translates a `POST /v1/responses` body to a chat completion request.
 *
 * `history` = the items of earlier turns (previous_response chain: each
 * turn's input items then output items, oldest first), already resolved.
 * `resolveReference(id)` resolves `item_reference` ids; when it returns
 * undefined the request is rejected with invalid_request (param `input`).
 * `instructions` become the leading system message; they are never taken
 * from history. Bad shapes throw `GatewayException('invalid_request')` with
 * the precise `param` (e.g. `input[3].call_id`, `tools[0].name`).
 */
export function toChatRequest(
  request: CreateResponseRequest,
  history: readonly ResponseInputItem[],
  resolveReference: (id: string) => ResponseInputItem | undefined,
): ChatRequestPlan {
  const body: unknown = request;
  if (!isRecord(body)) {
    throw new GatewayException(
      'invalid_request',
      'The request body must be a JSON object.',
    );
  }
  const model = requireString(body, 'model', 'model');
  const items: SourcedItem[] = [
    ...instructionItems(body['instructions']),
    // History comes from the gateway's own store, not from this request.
    ...history.map((item) => ({ item, param: 'previous_response_id' })),
    ...inputItems(body['input']),
  ];
  const messages = toChatMessages(items, resolveReference);
  if (messages.length === 0) {
    throw invalidRequest('input', `Missing required parameter: 'input'.`);
  }
  const declared = toChatTools(body['tools']);
  const choice = toChatToolChoice(
    body['tool_choice'],
    declared.tools,
    declared.names,
  );
  const chat: ChatCompletionRequest = {
    model,
    messages,
    ...toChatOptions(body),
  };
  const parallel = parallelToolCalls(body);
  // A chat backend rejects tool_choice/parallel_tool_calls without tools.
  if (choice.tools.length > 0) {
    chat.tools = choice.tools;
    if (choice.toolChoice !== undefined) {
      chat['tool_choice'] = choice.toolChoice;
    }
    if (parallel !== undefined) {
      chat['parallel_tool_calls'] = parallel;
    }
  }
  return { chat, tools: declared.names, droppedTools: declared.dropped };
}

function instructionItems(instructions: unknown): SourcedItem[] {
  if (instructions === undefined || instructions === null) {
    return [];
  }
  if (typeof instructions === 'string') {
    return instructions === ''
      ? []
      : [
          {
            item: { role: 'system', content: instructions },
            param: 'instructions',
          },
        ];
  }
  if (Array.isArray(instructions)) {
    return (instructions as unknown[]).map((item, index) => ({
      item,
      param: `instructions[${index}]`,
    }));
  }
  throw invalidRequest(
    'instructions',
    `Invalid 'instructions': expected a string or an array of input items.`,
  );
}

function inputItems(input: unknown): SourcedItem[] {
  if (input === undefined || input === null) {
    return [];
  }
  if (typeof input === 'string') {
    return [{ item: { role: 'user', content: input }, param: 'input' }];
  }
  if (Array.isArray(input)) {
    return (input as unknown[]).map((item, index) => ({
      item,
      param: `input[${index}]`,
    }));
  }
  throw invalidRequest(
    'input',
    `Invalid 'input': expected a string or an array of input items.`,
  );
}
