import type { ChatFunctionTool } from '../../protocol/chat-completion.types.js';
import {
  invalidRequest,
  isRecord,
  optionalString,
  requireString,
} from './request-guards.js';
import type { DeclaredToolMap } from './tool-name-map.js';

/** The chat `tool_choice` and the tools it leaves available. */
export interface ChatToolChoicePlan {
  toolChoice?: string | Record<string, unknown>;
  tools: ChatFunctionTool[];
}

const MODES = new Set(['none', 'auto', 'required']);

/**
 * Maps Responses `tool_choice` to its closest chat form:
 * `{type:'function'|'custom',name}` → `{type:'function',function:{name}}`;
 * `allowed_tools` → `auto`/`required` with only the allowed tools sent;
 * hosted tool types (which were dropped) → `auto`.
 */
export function toChatToolChoice(
  choice: unknown,
  tools: ChatFunctionTool[],
  names: DeclaredToolMap,
): ChatToolChoicePlan {
  if (choice === undefined || choice === null) {
    return { tools };
  }
  if (typeof choice === 'string') {
    if (!MODES.has(choice)) {
      throw invalidRequest(
        'tool_choice',
        `Invalid 'tool_choice': expected none, auto, required or an object.`,
      );
    }
    return { toolChoice: choice, tools };
  }
  if (!isRecord(choice)) {
    throw invalidRequest(
      'tool_choice',
      `Invalid 'tool_choice': expected a string or an object.`,
    );
  }
  const type = requireString(choice, 'type', 'tool_choice.type');
  switch (type) {
    case 'function':
    case 'custom':
      return {
        toolChoice: {
          type: 'function',
          function: {
            name: chatNameOf(choice, type, names, 'tool_choice'),
          },
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
  const mode = optionalString(choice, 'mode', 'tool_choice.mode') ?? 'auto';
  if (mode !== 'auto' && mode !== 'required') {
    throw invalidRequest(
      'tool_choice.mode',
      `Invalid 'tool_choice.mode': expected auto or required.`,
    );
  }
  const listed = choice['tools'];
  if (!Array.isArray(listed)) {
    throw invalidRequest(
      'tool_choice.tools',
      `Invalid 'tool_choice.tools': expected an array.`,
    );
  }
  const allowed = new Set<string>();
  listed.forEach((entry, index) => {
    const param = `tool_choice.tools[${index}]`;
    if (!isRecord(entry)) {
      throw invalidRequest(param, `Invalid '${param}': expected an object.`);
    }
    const type = requireString(entry, 'type', `${param}.type`);
    // Hosted tools in the list were dropped with the tools themselves.
    if (type === 'function' || type === 'custom') {
      allowed.add(chatNameOf(entry, type, names, param));
    }
  });
  return {
    toolChoice: mode,
    tools: tools.filter((tool) => allowed.has(tool.function.name)),
  };
}

function chatNameOf(
  entry: Record<string, unknown>,
  kind: 'function' | 'custom',
  names: DeclaredToolMap,
  param: string,
): string {
  const name = requireString(entry, 'name', `${param}.name`);
  const namespace = optionalString(entry, 'namespace', `${param}.namespace`);
  const chatName =
    names.chatNameOf(kind, name, namespace) ??
    (names.get(name)?.kind === kind ? name : undefined);
  if (chatName === undefined) {
    throw invalidRequest(
      `${param}.name`,
      `Invalid '${param}.name': no ${kind} tool named '${name}' in 'tools'.`,
    );
  }
  return chatName;
}
