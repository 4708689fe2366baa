import type {
  ChatContentPart,
  ChatMessage,
} from '../../protocol/chat-completion.types.js';
import type { McpToolResult } from '../mcp.types.js';

/** One finished call of a round: its chat tool_call id and its result. */
export interface ToolCallOutcome {
  callId: string;
  result: McpToolResult;
}

/** What a denied approval tells the model. */
export const DENIED_BY_USER = 'The user denied this tool call.';

/**
 * The chat messages that carry a round's tool results to the model: one
 * `tool` message per call, in call order. A failed call's text goes back as
 * `Error: …`, so the model can react. Images cannot ride in a `tool` message
 * on most backends, so they follow the tool messages as one `user` message
 * of `image_url` data-URL parts. Pure.
 */
export function toolResultMessages(
  outcomes: readonly ToolCallOutcome[],
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const media: ChatContentPart[] = [];
  for (const { callId, result } of outcomes) {
    messages.push({
      role: 'tool',
      tool_call_id: callId,
      content: toolMessageText(result),
    });
    if (result.images.length > 0) {
      media.push(
        { type: 'text', text: `Images returned by tool call ${callId}:` },
        ...result.images.map((image) => ({
          type: 'image_url',
          image_url: {
            url: `data:${image.mediaType};base64,${image.dataBase64}`,
          },
        })),
      );
    }
  }
  if (media.length > 0) {
    messages.push({ role: 'user', content: media });
  }
  return messages;
}

/** The `tool` message text of one result. */
function toolMessageText(result: McpToolResult): string {
  if (result.isError) {
    return `Error: ${result.text}`;
  }
  if (result.text === '' && result.images.length > 0) {
    return `The tool returned ${result.images.length} image(s); they follow in the next message.`;
  }
  return result.text;
}
