import { isRecord } from '../../common/is-record.js';
import type { ChatFunctionTool } from '../../protocol/chat-completion.types.js';
import { stringField } from './input-item-fields.js';
import type { DeclaredToolMap } from './tool-name-map.js';

/** The chat `tool_choice` and the tools it leaves available. */
export interface ChatToolChoicePlan {
  toolChoice?: string | Record<string, unknown>;
  tools: ChatFunctionTool[];
}

/**
 * Maps Responses `tool_choice` (checked by the request's DTO, which also
 * checked that it names declared tools) to its closest chat form:
 * `{type:'function'|'custom',name}` → `{type:'function',function:{name}}`;
 * `allowed_tools` → `auto`/`required` with only the allowed tools sent;
 * hosted tool types (which were dropped) → `auto`. An `mcp` choice is
 * `auto` here too: the MCP tools are not known yet, and its first round is
 * applied with them (mcpToolChoiceRound).
 */
export function toChatToolChoice(
  choice: unknown,
  tools: ChatFunctionTool[],
  names: DeclaredToolMap,
): ChatToolChoicePlan {
  if (typeof choice === 'string') {
    return { toolChoice: choice, tools };
  }
  if (!isRecord(choice)) {
    return { tools };
  }
  const type = choice['type'];
  switch (type) {
    case 'function':
    case 'custom':
      return {
        toolChoice: {
          type: 'function',
          function: { name: chatNameOf(choice, type, names) },
        },
        tools,
      };
    case 'allowed_tools':
      return allowedTools(choice, tools, names);
    default:
      return { toolChoice: 'auto', tools };
  }
}

function allowedTools(
  choice: Record<string, unknown>,
  tools: ChatFunctionTool[],
  names: DeclaredToolMap,
): ChatToolChoicePlan {
  const listed: unknown = choice['tools'];
  const allowed = new Set<string>();
  for (const entry of Array.isArray(listed) ? listed.filter(isRecord) : []) {
    const type = entry['type'];
    // Hosted tools in the list were dropped with the tools themselves.
    if (type === 'function' || type === 'custom') {
      allowed.add(chatNameOf(entry, type, names));
    }
  }
  return {
    toolChoice: stringField(choice, 'mode') ?? 'auto',
    tools: tools.filter((tool) => allowed.has(tool.function.name)),
  };
}

function chatNameOf(
  entry: Record<string, unknown>,
  kind: 'function' | 'custom',
  names: DeclaredToolMap,
): string {
  const name = stringField(entry, 'name') ?? '';
  return names.chatNameFor(kind, name, stringField(entry, 'namespace')) ?? name;
}
