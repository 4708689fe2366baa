import type {
  ChatContentPart,
  ChatMessage,
  ChatToolCall,
} from '../../protocol/chat-completion.types.js';
import { toChatContent, toToolOutput } from './content-parts.mapper.js';
import {
  chatToolName,
  customInput,
  functionArguments,
  partTexts,
  SKIPPED_ITEM_TYPES,
} from './input-item-fields.js';
import {
  invalidRequest,
  isRecord,
  optionalString,
  requireString,
} from './request-guards.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';
import { flattenToolName } from './tool-name-map.js';

/** One input item and the request path used in error `param`s (`input[3]`). */
export interface SourcedItem {
  item: unknown;
  param: string;
}

/** Resolves an `item_reference` id; undefined when unknown. */
export type ReferenceResolver = (id: string) => ResponseInputItem | undefined;

const ROLES: Record<string, ChatMessage['role']> = {
  user: 'user',
  assistant: 'assistant',
  system: 'system',
  // Many open backends (vLLM, Ollama, llama.cpp templates) do not know `developer`.
  developer: 'system',
};

/**
 * Maps Responses input items to chat messages, in order. Consecutive
 * function/custom tool calls become one assistant message with `tool_calls`
 * (merged into an assistant text message right before them); reasoning items
 * become `reasoning_content` on the next assistant message, or are dropped
 * when none follows.
 */
export function toChatMessages(
  items: readonly SourcedItem[],
  resolveReference: ReferenceResolver,
): ChatMessage[] {
  const assembler = new MessageAssembler();
  for (const { item, param } of items) {
    assembler.add(resolve(item, param, resolveReference), param);
  }
  return assembler.finish();
}

function resolve(
  item: unknown,
  param: string,
  resolveReference: ReferenceResolver,
): Record<string, unknown> {
  if (!isRecord(item)) {
    throw invalidRequest(param, `Invalid '${param}': expected an object.`);
  }
  if (itemType(item) !== 'item_reference') {
    return item;
  }
  const id = requireString(item, 'id', `${param}.id`);
  const resolved: unknown = resolveReference(id);
  if (!isRecord(resolved) || itemType(resolved) === 'item_reference') {
    throw invalidRequest('input', `Item with id '${id}' not found.`);
  }
  return resolved;
}

// `type` may be omitted on messages (EasyInputMessage) and item references.
function itemType(item: Record<string, unknown>): unknown {
  const type = item['type'];
  if (type !== undefined && type !== null) {
    return type;
  }
  if (item['role'] !== undefined) {
    return 'message';
  }
  return item['id'] !== undefined ? 'item_reference' : undefined;
}

class MessageAssembler {
  private readonly messages: ChatMessage[] = [];
  /** The assistant message that tool calls right after it join. */
  private openAssistant: ChatMessage | undefined;
  private pendingReasoning: string[] = [];
  private pendingMedia: ChatContentPart[] = [];

  add(item: Record<string, unknown>, param: string): void {
    const type = itemType(item);
    switch (type) {
      case 'message':
        return this.addMessage(item, param);
      case 'function_call':
        return this.addToolCall(
          requireString(item, 'call_id', `${param}.call_id`),
          chatToolName(item, param),
          functionArguments(item, param),
        );
      case 'custom_tool_call':
        return this.addToolCall(
          requireString(item, 'call_id', `${param}.call_id`),
          chatToolName(item, param),
          JSON.stringify({ input: customInput(item, param) }),
        );
      case 'function_call_output':
      case 'custom_tool_call_output':
        return this.addToolResult(
          requireString(item, 'call_id', `${param}.call_id`),
          item['output'],
          `${param}.output`,
        );
      case 'mcp_call':
        return this.addMcpCall(item, param);
      case 'reasoning':
        return this.addReasoning(item, param);
      default:
        if (typeof type === 'string' && SKIPPED_ITEM_TYPES.has(type)) {
          return;
        }
        throw invalidRequest(
          `${param}.type`,
          `Invalid '${param}.type': unsupported input item type ${JSON.stringify(type)}.`,
        );
    }
  }

  finish(): ChatMessage[] {
    this.flushMedia();
    return this.messages;
  }

  private addMessage(item: Record<string, unknown>, param: string): void {
    const role = ROLES[requireString(item, 'role', `${param}.role`)];
    if (role === undefined) {
      throw invalidRequest(
        `${param}.role`,
        `Invalid '${param}.role': expected user, assistant, system or developer.`,
      );
    }
    const content = toChatContent(item['content'], `${param}.content`);
    this.flushMedia();
    if (role !== 'assistant') {
      this.pendingReasoning = [];
      this.openAssistant = undefined;
      this.push({ role, content });
      return;
    }
    const message: ChatMessage = { role, content };
    this.takeReasoning(message);
    this.push(message);
    this.openAssistant = message;
  }

  private addToolCall(callId: string, name: string, args: string): void {
    this.flushMedia();
    let message = this.openAssistant;
    if (message === undefined) {
      message = { role: 'assistant', content: null };
      this.push(message);
      this.openAssistant = message;
    }
    this.takeReasoning(message);
    const call: ChatToolCall = {
      id: callId,
      type: 'function',
      function: { name, arguments: args },
    };
    message.tool_calls = [...(message.tool_calls ?? []), call];
  }

  private addToolResult(callId: string, output: unknown, param: string): void {
    const { text, media } = toToolOutput(output, param);
    this.openAssistant = undefined;
    this.messages.push({ role: 'tool', tool_call_id: callId, content: text });
    if (media.length > 0) {
      this.pendingMedia.push(
        { type: 'text', text: `Attachments returned by tool call ${callId}:` },
        ...media,
      );
    }
  }

  private addMcpCall(item: Record<string, unknown>, param: string): void {
    const id = requireString(item, 'id', `${param}.id`);
    const server = requireString(item, 'server_label', `${param}.server_label`);
    const name = requireString(item, 'name', `${param}.name`);
    const args = optionalString(item, 'arguments', `${param}.arguments`);
    this.addToolCall(id, flattenToolName(server, name), args || '{}');
    const output = optionalString(item, 'output', `${param}.output`);
    const error = item['error'];
    this.addToolResult(
      id,
      output ??
        (error === undefined || error === null
          ? ''
          : `Error: ${typeof error === 'string' ? error : JSON.stringify(error)}`),
      `${param}.output`,
    );
  }

  private addReasoning(item: Record<string, unknown>, param: string): void {
    const texts = [
      ...partTexts(item['summary'], `${param}.summary`),
      ...partTexts(item['content'], `${param}.content`),
    ].filter((text) => text !== '');
    this.pendingReasoning.push(...texts);
  }

  private takeReasoning(message: ChatMessage): void {
    if (this.pendingReasoning.length === 0) {
      return;
    }
    const earlier = message.reasoning_content;
    message.reasoning_content = [earlier, ...this.pendingReasoning]
      .filter((text): text is string => typeof text === 'string' && text !== '')
      .join('\n\n');
    this.pendingReasoning = [];
  }

  // Chat `tool` messages carry text only: images and files a tool returned
  // follow the run of tool messages as one user message.
  private flushMedia(): void {
    if (this.pendingMedia.length === 0) {
      return;
    }
    this.messages.push({ role: 'user', content: this.pendingMedia });
    this.pendingMedia = [];
  }

  // Adjacent system messages (instructions, then Codex's developer message)
  // are joined: several chat templates accept a single leading system message.
  private push(message: ChatMessage): void {
    const last = this.messages.at(-1);
    if (
      message.role === 'system' &&
      last?.role === 'system' &&
      typeof last.content === 'string' &&
      typeof message.content === 'string'
    ) {
      last.content = `${last.content}\n\n${message.content}`;
      return;
    }
    this.messages.push(message);
  }
}
