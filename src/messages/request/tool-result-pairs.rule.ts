import { invalidRequest } from '../../common/http/field-guards.js';
import { isRecord } from '../../common/is-record.js';

/**
 * Every `tool_result` answers a `tool_use` of an earlier assistant message,
 * as Anthropic requires: an orphan result would reach the upstream as a
 * `tool` message without its call, which chat templates refuse or, worse,
 * read as a conversation without a user turn. Run after the shapes are
 * checked (checkMessages).
 */
export function checkToolResultPairs(messages: readonly unknown[]): void {
  const calls = new Set<string>();
  messages.forEach((message, index) => {
    if (!isRecord(message) || !Array.isArray(message['content'])) {
      return;
    }
    const blocks = message['content'] as unknown[];
    blocks.forEach((block, position) => {
      if (!isRecord(block)) {
        return;
      }
      if (message['role'] === 'assistant' && block['type'] === 'tool_use') {
        calls.add(String(block['id']));
      } else if (
        block['type'] === 'tool_result' &&
        !calls.has(String(block['tool_use_id']))
      ) {
        const param = `messages.${index}.content.${position}.tool_use_id`;
        throw invalidRequest(
          param,
          `Invalid '${param}': unexpected \`tool_use_id\` in a \`tool_result\` block; each \`tool_result\` must answer a \`tool_use\` block of an earlier assistant message.`,
        );
      }
    });
  });
}
