import type { ChatFunctionTool } from '../../protocol/chat-completion.types.js';
import {
  invalidRequest,
  isRecord,
  optionalBoolean,
  optionalRecord,
  optionalString,
  requireString,
} from './request-guards.js';
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
 * Maps Responses `tools` to chat function tools. Flat `function` tools get
 * chat's `function:{…}` wrapper; `custom` tools become a function with one string
 * parameter `input`; `namespace` tools are flattened to `<namespace>__<tool>`.
 * Hosted tools (web_search, file_search, mcp, …) and types this gateway does
 * not know are dropped and listed, never rejected: clients such as Codex send
 * them by default.
 */
export function toChatTools(tools: unknown): ChatToolsPlan {
  const plan: ChatToolsPlan = {
    tools: [],
    names: new DeclaredToolMap(),
    dropped: [],
  };
  if (tools === undefined || tools === null) {
    return plan;
  }
  if (!Array.isArray(tools)) {
    throw invalidRequest('tools', `Invalid 'tools': expected an array.`);
  }
  tools.forEach((tool, index) => {
    const param = `tools[${index}]`;
    if (!isRecord(tool)) {
      throw invalidRequest(param, `Invalid '${param}': expected an object.`);
    }
    const type = requireString(tool, 'type', `${param}.type`);
    if (type === 'function' || type === 'custom') {
      addTool(plan, tool, param);
    } else if (type === 'namespace') {
      addNamespace(plan, tool, param);
    } else {
      plan.dropped.push(type);
    }
  });
  return plan;
}

function addNamespace(
  plan: ChatToolsPlan,
  tool: Record<string, unknown>,
  param: string,
): void {
  const namespace = requireString(tool, 'name', `${param}.name`);
  const inner = tool['tools'];
  if (!Array.isArray(inner)) {
    throw invalidRequest(
      `${param}.tools`,
      `Invalid '${param}.tools': expected an array.`,
    );
  }
  inner.forEach((member, index) => {
    const memberParam = `${param}.tools[${index}]`;
    if (!isRecord(member)) {
      throw invalidRequest(
        memberParam,
        `Invalid '${memberParam}': expected an object.`,
      );
    }
    const type = member['type'] ?? 'function';
    if (type !== 'function' && type !== 'custom') {
      throw invalidRequest(
        `${memberParam}.type`,
        `Invalid '${memberParam}.type': a namespace holds function or custom tools.`,
      );
    }
    addTool(plan, { ...member, type }, memberParam, namespace);
  });
}

function addTool(
  plan: ChatToolsPlan,
  tool: Record<string, unknown>,
  param: string,
  namespace?: string,
): void {
  const kind = tool['type'] === 'custom' ? 'custom' : 'function';
  const name = requireString(tool, 'name', `${param}.name`);
  const chatName =
    namespace === undefined ? name : flattenToolName(namespace, name);
  const declared: DeclaredTool =
    namespace === undefined ? { kind, name } : { kind, name, namespace };
  if (!plan.names.add(chatName, declared)) {
    throw invalidRequest(
      `${param}.name`,
      `Invalid '${param}.name': duplicate tool name '${chatName}'.`,
    );
  }
  plan.tools.push(
    kind === 'custom'
      ? customTool(tool, chatName, param)
      : functionTool(tool, chatName, param),
  );
}

function functionTool(
  tool: Record<string, unknown>,
  chatName: string,
  param: string,
): ChatFunctionTool {
  const description = optionalString(
    tool,
    'description',
    `${param}.description`,
  );
  const parameters =
    optionalRecord(tool, 'parameters', `${param}.parameters`) ??
    EMPTY_PARAMETERS;
  const strict = optionalBoolean(tool, 'strict', `${param}.strict`);
  return {
    type: 'function',
    function: {
      name: chatName,
      ...(description === undefined ? {} : { description }),
      parameters,
      ...(strict === undefined ? {} : { strict }),
    },
  };
}

function customTool(
  tool: Record<string, unknown>,
  chatName: string,
  param: string,
): ChatFunctionTool {
  const description = [
    optionalString(tool, 'description', `${param}.description`),
    formatNote(optionalRecord(tool, 'format', `${param}.format`), param),
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
function formatNote(
  format: Record<string, unknown> | undefined,
  param: string,
): string | undefined {
  if (format?.['type'] !== 'grammar') {
    return undefined;
  }
  const syntax =
    optionalString(format, 'syntax', `${param}.format.syntax`) ?? 'lark';
  const definition = requireString(
    format,
    'definition',
    `${param}.format.definition`,
  );
  return `The \`input\` must match this ${syntax} grammar:\n${definition}`;
}
