import {
  invalidRequest,
  optionalBoolean,
  requireRecord,
  requireString,
} from '../../common/http/field-guards.js';
import { checkToolResultPairs } from './tool-result-pairs.rule.js';

const ROLES = new Set(['user', 'assistant', 'system']);

/**
 * Checks `messages` as the mapping to chat messages reads them: each a
 * `role` and a `content` that is a string or an array of blocks, and in
 * each block of a type the mapping knows, the fields it reads. Blocks of
 * other types and fields nobody reads (`cache_control`, `caller`, …) are
 * not looked at. `param` is Anthropic's dotted path
 * (`messages.1.content.0.type`).
 */
export function checkMessages(messages: unknown): void {
  if (!Array.isArray(messages)) {
    return; // The built-in IsArray constraint reports it.
  }
  if (messages.length === 0) {
    throw invalidRequest(
      'messages',
      `Invalid 'messages': at least one message is required.`,
    );
  }
  messages.forEach((value, index) => {
    const param = `messages.${index}`;
    const message = requireRecord(value, param);
    const role = message['role'];
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw invalidRequest(
        `${param}.role`,
        `Invalid '${param}.role': expected 'user', 'assistant' or 'system'.`,
      );
    }
    checkContent(message['content'], `${param}.content`);
  });
  checkToolResultPairs(messages);
}

/** Checks `system`: absent, a string, or an array of text blocks. */
export function checkSystem(system: unknown): void {
  if (system === undefined || system === null || typeof system === 'string') {
    return;
  }
  if (!Array.isArray(system)) {
    throw invalidRequest(
      'system',
      `Invalid 'system': expected a string or an array of text blocks.`,
    );
  }
  system.forEach((value, index) => {
    const param = `system.${index}`;
    const block = requireRecord(value, param);
    if (block['type'] !== 'text') {
      throw invalidRequest(
        `${param}.type`,
        `Invalid '${param}.type': expected 'text'.`,
      );
    }
    requireText(block, 'text', `${param}.text`);
  });
}

function checkContent(content: unknown, param: string): void {
  if (typeof content === 'string') {
    return;
  }
  if (!Array.isArray(content)) {
    throw invalidRequest(
      param,
      `Invalid '${param}': expected a string or an array of content blocks.`,
    );
  }
  content.forEach((value, index) => checkBlock(value, `${param}.${index}`));
}

function checkBlock(value: unknown, param: string): void {
  const block = requireRecord(value, param);
  const type = requireString(block, 'type', `${param}.type`);
  switch (type) {
    case 'text':
      requireText(block, 'text', `${param}.text`);
      return;
    case 'image':
      checkImageSource(block['source'], `${param}.source`);
      return;
    case 'tool_use':
      requireString(block, 'id', `${param}.id`);
      requireString(block, 'name', `${param}.name`);
      requireRecord(block['input'], `${param}.input`);
      return;
    case 'tool_result':
      checkToolResult(block, param);
      return;
    case 'thinking':
      requireText(block, 'thinking', `${param}.thinking`);
      requireText(block, 'signature', `${param}.signature`);
      return;
  }
}

function checkToolResult(block: Record<string, unknown>, param: string): void {
  requireString(block, 'tool_use_id', `${param}.tool_use_id`);
  optionalBoolean(block, 'is_error', `${param}.is_error`);
  const content = block['content'];
  if (content === undefined || content === null) {
    return;
  }
  checkContent(content, `${param}.content`);
}

function checkImageSource(value: unknown, param: string): void {
  const source = requireRecord(value, param);
  const type = requireString(source, 'type', `${param}.type`);
  if (type === 'base64') {
    requireString(source, 'media_type', `${param}.media_type`);
    requireText(source, 'data', `${param}.data`);
  } else if (type === 'url') {
    requireString(source, 'url', `${param}.url`);
  }
}

/** `obj[key]` must be a string, which may be empty. */
function requireText(
  obj: Record<string, unknown>,
  key: string,
  param: string,
): void {
  if (typeof obj[key] !== 'string') {
    throw invalidRequest(
      param,
      `Missing or invalid '${param}': expected a string.`,
    );
  }
}
