import { isRecord } from '../../common/is-record.js';
import type { ChatFunctionTool } from '../../protocol/chat-completion.types.js';
import { stringField } from './input-item-fields.js';
import {
  type DeclaredTool,
  DeclaredToolMap,
  flattenToolName,
} from './tool-name-map.js';

/** The chat side of `tools`. */
export interface ChatToolsPlan {
  tools: ChatFunctionTool[];
  names: DeclaredToolMap;
  /** Types of the tools left out because a chat backend cannot run them. */
  dropped: string[];
}

const EMPTY_PARAMETERS = { type: 'object', properties: {} };

/**
 * Maps Responses `tools` (checked by the request's DTO) to chat function
 * tools. Flat `function` tools get chat's `function:{…}` wrapper; `custom`
 * tools become a function with one string parameter `input`; `namespace`
 * tools are flattened to `<namespace>__<tool>`. Hosted tools (web_search,
 * file_search, mcp, …) and types this gateway does not know are dropped and
 * listed, never rejected: clients such as Codex send them by default.
 */
export function toChatTools(
  tools: readonly unknown[] | null | undefined,
): ChatToolsPlan {
  const plan: ChatToolsPlan = {
    tools: [],
    names: new DeclaredToolMap(),
    dropped: [],
  };
  for (const tool of (tools ?? []).filter(isRecord)) {
    const type = stringField(tool, 'type') ?? '';
    if (type === 'function' || type === 'custom') {
      addTool(plan, tool);
    } else if (type === 'namespace') {
      addNamespace(plan, tool);
    } else {
      plan.dropped.push(type);
    }
  }
  return plan;
}

function addNamespace(
  plan: ChatToolsPlan,
  tool: Record<string, unknown>,
): void {
  const namespace = stringField(tool, 'name') ?? '';
  const members: unknown = tool['tools'];
  for (const member of Array.isArray(members) ? members.filter(isRecord) : []) {
    addTool(plan, { ...member, type: member['type'] ?? 'function' }, namespace);
  }
}

function addTool(
  plan: ChatToolsPlan,
  tool: Record<string, unknown>,
  namespace?: string,
): void {
  const kind = tool['type'] === 'custom' ? 'custom' : 'function';
  const name = stringField(tool, 'name') ?? '';
  const chatName =
    namespace === undefined ? name : flattenToolName(namespace, name);
  const declared: DeclaredTool =
    namespace === undefined ? { kind, name } : { kind, name, namespace };
  plan.names.add(chatName, declared);
  plan.tools.push(
    kind === 'custom'
      ? customTool(tool, chatName)
      : functionTool(tool, chatName),
  );
}

function functionTool(
  tool: Record<string, unknown>,
  chatName: string,
): ChatFunctionTool {
  const description = stringField(tool, 'description');
  const parameters = isRecord(tool['parameters'])
    ? tool['parameters']
    : EMPTY_PARAMETERS;
  const strict = tool['strict'];
  return {
    type: 'function',
    function: {
      name: chatName,
      ...(description === undefined ? {} : { description }),
      parameters,
      ...(typeof strict === 'boolean' ? { strict } : {}),
    },
  };
}

function customTool(
  tool: Record<string, unknown>,
  chatName: string,
): ChatFunctionTool {
  const format = tool['format'];
  const description = [
    stringField(tool, 'description'),
    isRecord(format) ? formatNote(format) : undefined,
  ]
    .filter((text): text is string => text !== undefined && text !== '')
    .join('\n\n');
  return {
    type: 'function',
    function: {
      name: chatName,
      ...(description === '' ? {} : { description }),
      parameters: {
        type: 'object',
        properties: {
          input: {
            type: 'string',
            description: 'The raw input for this tool, as free-form text.',
          },
        },
        required: ['input'],
        additionalProperties: false,
      },
    },
  };
}

// A custom tool's grammar cannot be enforced by a chat backend, so the model
// gets it as part of the description instead.
function formatNote(format: Record<string, unknown>): string | undefined {
  if (format['type'] !== 'grammar') {
    return undefined;
  }
  const syntax = stringField(format, 'syntax') ?? 'lark';
  const definition = stringField(format, 'definition') ?? '';
  return `The \`input\` must match this ${syntax} grammar:\n${definition}`;
}
