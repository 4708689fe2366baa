import {
  invalidRequest,
  optionalString,
  requireRecord,
  requireString,
} from '../../common/http/field-guards.js';
import { isRecord } from '../../common/is-record.js';
import {
  inputItemType,
  SKIPPED_ITEM_TYPES,
} from '../core/input-item-fields.js';
import { checkContentParts } from './content-part.rules.js';

const ROLES = new Set(['user', 'assistant', 'system', 'developer']);

/**
 * Checks input items (`input`, or `instructions` given as items) field by
 * field, as the mapping to chat messages reads them; `param` names the list
 * (`input` → `input[3].call_id`). Item types a chat backend never ran
 * (SKIPPED_ITEM_TYPES) are accepted unread.
 */
export function checkInputItems(items: unknown, param: string): void {
  if (Array.isArray(items)) {
    items.forEach((item, index) => checkInputItem(item, `${param}[${index}]`));
  }
}

function checkInputItem(value: unknown, param: string): void {
  const item = requireRecord(value, param);
  const type = inputItemType(item);
  switch (type) {
    case 'message':
      return checkMessage(item, param);
    case 'function_call':
      requireString(item, 'call_id', `${param}.call_id`);
      checkToolName(item, param);
      return checkArguments(item, param);
    case 'custom_tool_call':
      requireString(item, 'call_id', `${param}.call_id`);
      checkToolName(item, param);
      return checkCustomInput(item, param);
    case 'function_call_output':
    case 'custom_tool_call_output':
      requireString(item, 'call_id', `${param}.call_id`);
      return checkContentParts(item['output'], `${param}.output`);
    case 'mcp_call':
      return checkMcpCall(item, param);
    case 'reasoning':
      checkPartTexts(item['summary'], `${param}.summary`);
      return checkPartTexts(item['content'], `${param}.content`);
    case 'item_reference':
      requireString(item, 'id', `${param}.id`);
      return;
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

function checkMessage(item: Record<string, unknown>, param: string): void {
  const role = requireString(item, 'role', `${param}.role`);
  if (!ROLES.has(role)) {
    throw invalidRequest(
      `${param}.role`,
      `Invalid '${param}.role': expected user, assistant, system or developer.`,
    );
  }
  checkContentParts(item['content'], `${param}.content`);
}

function checkToolName(item: Record<string, unknown>, param: string): void {
  requireString(item, 'name', `${param}.name`);
  optionalString(item, 'namespace', `${param}.namespace`);
}

/** `arguments`: a JSON string, or an object the mapping serializes. */
function checkArguments(item: Record<string, unknown>, param: string): void {
  const args = item['arguments'];
  if (typeof args !== 'string' && !isRecord(args)) {
    throw invalidRequest(
      `${param}.arguments`,
      `Invalid '${param}.arguments': expected a JSON string.`,
    );
  }
}

function checkCustomInput(item: Record<string, unknown>, param: string): void {
  if (typeof item['input'] !== 'string') {
    throw invalidRequest(
      `${param}.input`,
      `Invalid '${param}.input': expected a string.`,
    );
  }
}

function checkMcpCall(item: Record<string, unknown>, param: string): void {
  requireString(item, 'id', `${param}.id`);
  requireString(item, 'server_label', `${param}.server_label`);
  requireString(item, 'name', `${param}.name`);
  optionalString(item, 'arguments', `${param}.arguments`);
  optionalString(item, 'output', `${param}.output`);
}

/** The summary/content parts of a reasoning item: each with a `text`. */
function checkPartTexts(parts: unknown, param: string): void {
  if (parts === undefined || parts === null) {
    return;
  }
  if (!Array.isArray(parts)) {
    throw invalidRequest(param, `Invalid '${param}': expected an array.`);
  }
  parts.forEach((part, index) => {
    if (!isRecord(part) || typeof part['text'] !== 'string') {
      throw invalidRequest(
        `${param}[${index}].text`,
        `Invalid '${param}[${index}].text': expected a string.`,
      );
    }
  });
}
