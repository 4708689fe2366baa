import type {
  ChatCompletionRequest,
  ChatContentPart,
  ChatMessage,
  ChatToolCall,
} from '../protocol/chat-completion.types.js';

/**
 * Rewrites a chat request for a backend whose chat template knows no `tool`
 * role: each assistant `tool_calls` becomes `<tool_call>{"name","arguments"}</tool_call>`
 * text appended to the assistant's content, and each `tool` message becomes a
 * `user` message headed `[tool result name=… call_id=…]`. Pure; other fields
 * are kept. Consecutive user messages are not merged.
 */
export function toolTurnsAsText(
  request: ChatCompletionRequest,
): ChatCompletionRequest {
  if (
    !request.messages.some((m) => m.role === 'tool' || m.tool_calls?.length)
  ) {
    return request;
  }
  const toolNames = new Map<string, string>();
  const messages = request.messages.map((message): ChatMessage => {
    if (message.role === 'assistant' && message.tool_calls?.length) {
      for (const call of message.tool_calls) {
        toolNames.set(call.id, call.function.name);
      }
      return assistantAsText(message, message.tool_calls);
    }
    if (message.role === 'tool') {
      return toolResultAsUser(message, toolNames);
    }
    return message;
  });
  return { ...request, messages };
}

function assistantAsText(
  message: ChatMessage,
  calls: ChatToolCall[],
): ChatMessage {
  const { tool_calls: _calls, ...rest } = message;
  const text = calls.map(describeCall).join('\n');
  return { ...rest, content: appendText(message.content, text) };
}

function describeCall(call: ChatToolCall): string {
  return `<tool_call>${JSON.stringify({
    name: call.function.name,
    arguments: parseArguments(call.function.arguments),
  })}</tool_call>`;
}

/** Arguments as the object they encode; text that is not JSON stays text. */
function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toolResultAsUser(
  message: ChatMessage,
  toolNames: ReadonlyMap<string, string>,
): ChatMessage {
  const { tool_call_id: callId, name: ownName, ...rest } = message;
  const name =
    ownName ?? (callId === undefined ? undefined : toolNames.get(callId));
  const header = [
    '[tool result',
    ...(name === undefined ? [] : [`name=${name}`]),
    ...(callId === undefined ? [] : [`call_id=${callId}`]),
  ].join(' ');
  return {
    ...rest,
    role: 'user',
    content: prependText(`${header}]`, rest.content),
  };
}

function appendText(
  content: ChatMessage['content'],
  text: string,
): string | ChatContentPart[] {
  if (Array.isArray(content)) {
    return [...content, { type: 'text', text }];
  }
  return content ? `${content}\n${text}` : text;
}

function prependText(
  text: string,
  content: ChatMessage['content'],
): string | ChatContentPart[] {
  if (Array.isArray(content)) {
    return [{ type: 'text', text: `${text}\n` }, ...content];
  }
  return `${text}\n${content ?? ''}`;
}
