import {
  invalidRequest,
  optionalBoolean,
  optionalRecord,
  optionalString,
  requireRecord,
  requireString,
} from '../../common/http/field-guards.js';
import { isRecord } from '../../common/is-record.js';
import {
  type DeclaredTool,
  DeclaredToolMap,
  flattenToolName,
} from '../core/tool-name-map.js';

const TOOL_CHOICE_MODES = new Set(['none', 'auto', 'required']);

/**
 * Checks `tools` as the mapping to chat tools reads them: `function` and
 * `custom` tools, and `namespace` tools of those, with unique chat names.
 * Hosted tools (web_search, mcp, …) are not read here: the mapping drops
 * them, and hosted MCP tools are checked when their servers are opened.
 * Returns the chat names declared, for `tool_choice`.
 */
export function checkTools(tools: unknown): DeclaredToolMap {
  const names = new DeclaredToolMap();
  if (!Array.isArray(tools)) {
    return names;
  }
  tools.forEach((value, index) => {
    const param = `tools[${index}]`;
    const tool = requireRecord(value, param);
    const type = requireString(tool, 'type', `${param}.type`);
    if (type === 'function' || type === 'custom') {
      checkTool(names, tool, param);
    } else if (type === 'namespace') {
      checkNamespace(names, tool, param);
    }
  });
  return names;
}

function checkNamespace(
  names: DeclaredToolMap,
  tool: Record<string, unknown>,
  param: string,
): void {
  const namespace = requireString(tool, 'name', `${param}.name`);
  const members = tool['tools'];
  if (!Array.isArray(members)) {
    throw invalidRequest(
      `${param}.tools`,
      `Invalid '${param}.tools': expected an array.`,
    );
  }
  members.forEach((value, index) => {
    const memberParam = `${param}.tools[${index}]`;
    const member = requireRecord(value, memberParam);
    const type = member['type'] ?? 'function';
    if (type !== 'function' && type !== 'custom') {
      throw invalidRequest(
        `${memberParam}.type`,
        `Invalid '${memberParam}.type': a namespace holds function or custom tools.`,
      );
    }
    checkTool(names, { ...member, type }, memberParam, namespace);
  });
}

function checkTool(
  names: DeclaredToolMap,
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
  if (!names.add(chatName, declared)) {
    throw invalidRequest(
      `${param}.name`,
      `Invalid '${param}.name': duplicate tool name '${chatName}'.`,
    );
  }
  optionalString(tool, 'description', `${param}.description`);
  if (kind === 'function') {
    optionalRecord(tool, 'parameters', `${param}.parameters`);
    optionalBoolean(tool, 'strict', `${param}.strict`);
    return;
  }
  const format = optionalRecord(tool, 'format', `${param}.format`);
  if (format?.['type'] === 'grammar') {
    optionalString(format, 'syntax', `${param}.format.syntax`);
    requireString(format, 'definition', `${param}.format.definition`);
  }
}

/**
 * Checks `tool_choice`: a mode, or an object naming a declared tool
 * (`function`/`custom`), or `allowed_tools` listing declared tools, or
 * `mcp` with a `server_label`. Hosted tool types are accepted (the mapping
 * sends `auto` for them; an `mcp` choice is applied with the MCP tools).
 */
export function checkToolChoice(
  choice: unknown,
  body: Readonly<Record<string, unknown>>,
): void {
  if (choice === undefined || choice === null) {
    return;
  }
  if (typeof choice === 'string') {
    if (!TOOL_CHOICE_MODES.has(choice)) {
      throw invalidRequest(
        'tool_choice',
        `Invalid 'tool_choice': expected none, auto, required or an object.`,
      );
    }
    return;
  }
  if (!isRecord(choice)) {
    throw invalidRequest(
      'tool_choice',
      `Invalid 'tool_choice': expected a string or an object.`,
    );
  }
  const type = requireString(choice, 'type', 'tool_choice.type');
  const names = checkTools(body['tools']);
  if (type === 'function' || type === 'custom') {
    checkNamedTool(choice, type, names, 'tool_choice');
  } else if (type === 'allowed_tools') {
    checkAllowedTools(choice, names);
  } else if (type === 'mcp') {
    // Whether the server and tool exist is known once its tools are listed.
    requireString(choice, 'server_label', 'tool_choice.server_label');
    optionalString(choice, 'name', 'tool_choice.name');
  }
}

function checkAllowedTools(
  choice: Record<string, unknown>,
  names: DeclaredToolMap,
): void {
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
  listed.forEach((value, index) => {
    const param = `tool_choice.tools[${index}]`;
    const entry = requireRecord(value, param);
    const type = requireString(entry, 'type', `${param}.type`);
    // Hosted tools in the list were dropped with the tools themselves.
    if (type === 'function' || type === 'custom') {
      checkNamedTool(entry, type, names, param);
    }
  });
}

function checkNamedTool(
  entry: Record<string, unknown>,
  kind: 'function' | 'custom',
  names: DeclaredToolMap,
  param: string,
): void {
  const name = requireString(entry, 'name', `${param}.name`);
  const namespace = optionalString(entry, 'namespace', `${param}.namespace`);
  if (names.chatNameFor(kind, name, namespace) === undefined) {
    throw invalidRequest(
      `${param}.name`,
      `Invalid '${param}.name': no ${kind} tool named '${name}' in 'tools'.`,
    );
  }
}
