import type {
  ChatContentPart,
  ChatMessage,
  ChatToolCall,
} from '../../protocol/chat-completion.types.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';
import { toChatContent, toToolOutput } from './content-parts.mapper.js';
import {
  argumentsText,
  chatToolName,
  inputItemType,
  partTexts,
  stringField,
} from './input-item-fields.js';
import { flattenToolName } from './tool-name-map.js';

const ROLES: ReadonlyMap<string, ChatMessage['role']> = new Map<
  string,
  ChatMessage['role']
>([
  ['user', 'user'],
  ['assistant', 'assistant'],
  ['system', 'system'],
  // Many open backends (vLLM, Ollama, llama.cpp templates) do not know `developer`.
  ['developer', 'system'],
]);

/**
 * Maps Responses input items (checked by the request's DTO, or the
 * gateway's own stored items; item references already resolved) to chat
 * messages, in order. Consecutive function/custom tool calls become one
 * assistant message with `tool_calls` (merged into an assistant text
 * message right before them); reasoning items become `reasoning_content`
 * on the next assistant message, or are dropped when none follows. Item
 * types a chat backend cannot replay are left out.
 */
export function toChatMessages(
  items: readonly ResponseInputItem[],
): ChatMessage[] {
  const assembler = new MessageAssembler();
  for (const item of items) {
    assembler.add(item);
  }
  return assembler.finish();
}

class MessageAssembler {
  private readonly messages: ChatMessage[] = [];
  /** The assistant message that tool calls right after it join. */
  private openAssistant: ChatMessage | undefined;
  private pendingReasoning: string[] = [];
  private pendingMedia: ChatContentPart[] = [];

  add(item: ResponseInputItem): void {
    switch (inputItemType(item)) {
      case 'message':
        return this.addMessage(item);
      case 'function_call':
        return this.addToolCall(
          callIdOf(item),
          chatToolName(item),
          argumentsText(item),
        );
      case 'custom_tool_call':
        return this.addToolCall(
          callIdOf(item),
          chatToolName(item),
          JSON.stringify({ input: stringField(item, 'input') ?? '' }),
        );
      case 'function_call_output':
      case 'custom_tool_call_output':
        return this.addToolResult(callIdOf(item), item['output']);
      case 'mcp_call':
        return this.addMcpCall(item);
      case 'reasoning':
        return this.addReasoning(item);
      default:
        // Hosted tool calls and MCP bookkeeping (SKIPPED_ITEM_TYPES).
        return;
    }
  }

  finish(): ChatMessage[] {
    this.flushMedia();
    return this.messages;
  }

  private addMessage(item: ResponseInputItem): void {
    const role = ROLES.get(stringField(item, 'role') ?? '') ?? 'user';
    const content = toChatContent(item['content']);
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

  private addToolResult(callId: string, output: unknown): void {
    const { text, media } = toToolOutput(output);
    this.openAssistant = undefined;
    this.messages.push({ role: 'tool', tool_call_id: callId, content: text });
    if (media.length > 0) {
      this.pendingMedia.push(
        { type: 'text', text: `Attachments returned by tool call ${callId}:` },
        ...media,
      );
    }
  }

  private addMcpCall(item: ResponseInputItem): void {
    const id = stringField(item, 'id') ?? '';
    const server = stringField(item, 'server_label') ?? '';
    const name = stringField(item, 'name') ?? '';
    const args = stringField(item, 'arguments');
    this.addToolCall(id, flattenToolName(server, name), args || '{}');
    const error = item['error'];
    this.addToolResult(
      id,
      stringField(item, 'output') ??
        (error === undefined || error === null
          ? ''
          : `Error: ${typeof error === 'string' ? error : JSON.stringify(error)}`),
    );
  }

  private addReasoning(item: ResponseInputItem): void {
    const texts = [
      ...partTexts(item['summary']),
      ...partTexts(item['content']),
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

function callIdOf(item: ResponseInputItem): string {
  return stringField(item, 'call_id') ?? '';
}
