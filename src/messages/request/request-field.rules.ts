import {
  invalidRequest,
  optionalBoolean,
  optionalString,
  requireRecord,
  requireString,
} from '../../common/http/field-guards.js';
import { isRecord } from '../../common/is-record.js';

const TOOL_CHOICE_TYPES = new Set(['auto', 'any', 'tool', 'none']);
// `between_tools` is in the SDK's ThinkingConfigParam too: accepted, mapped as `adaptive`.
const THINKING_TYPES = new Set([
  'enabled',
  'disabled',
  'adaptive',
  'between_tools',
]);

/** `model` must be a non-empty string (IsString reports other types). */
export function checkModel(model: unknown): void {
  if (typeof model === 'string') {
    requireString({ model }, 'model', 'model');
  }
}

/**
 * Checks `tools`: each an object with a unique `name`; a custom tool (no
 * `type`, or `custom`) also needs an object `input_schema`, which is
 * forwarded as it is (never walked: Claude Code sends a dozen schemas each
 * turn). Server tools (any other `type`) are dropped by the mapping.
 */
export function checkTools(tools: unknown): void {
  if (!Array.isArray(tools)) {
    return; // The built-in IsArray constraint reports it.
  }
  const names = new Set<string>();
  tools.forEach((value, index) => {
    const param = `tools.${index}`;
    const tool = requireRecord(value, param);
    const name = requireString(tool, 'name', `${param}.name`);
    const type = optionalString(tool, 'type', `${param}.type`);
    if (type === undefined || type === 'custom') {
      requireRecord(tool['input_schema'], `${param}.input_schema`);
      optionalString(tool, 'description', `${param}.description`);
    }
    if (names.has(name)) {
      throw invalidRequest(
        `${param}.name`,
        `Invalid '${param}.name': duplicate tool name '${name}'.`,
      );
    }
    names.add(name);
  });
}

/** Checks `tool_choice`: `auto`, `any`, `none`, or `tool` with a `name`. */
export function checkToolChoice(choice: unknown): void {
  if (choice === undefined || choice === null) {
    return;
  }
  const record = requireRecord(choice, 'tool_choice');
  const type = record['type'];
  if (typeof type !== 'string' || !TOOL_CHOICE_TYPES.has(type)) {
    throw invalidRequest(
      'tool_choice.type',
      `Invalid 'tool_choice.type': expected 'auto', 'any', 'tool' or 'none'.`,
    );
  }
  if (type === 'tool') {
    requireString(record, 'name', 'tool_choice.name');
  }
  optionalBoolean(
    record,
    'disable_parallel_tool_use',
    'tool_choice.disable_parallel_tool_use',
  );
}

/** Checks `thinking`: `enabled` with an integer `budget_tokens`, `disabled` or `adaptive`. */
export function checkThinking(thinking: unknown): void {
  if (thinking === undefined || thinking === null) {
    return;
  }
  const record = requireRecord(thinking, 'thinking');
  const type = record['type'];
  if (typeof type !== 'string' || !THINKING_TYPES.has(type)) {
    throw invalidRequest(
      'thinking.type',
      `Invalid 'thinking.type': expected 'enabled', 'disabled' or 'adaptive'.`,
    );
  }
  const budget = record['budget_tokens'];
  if (type === 'enabled' && !(Number.isInteger(budget) && Number(budget) > 0)) {
    throw invalidRequest(
      'thinking.budget_tokens',
      `Invalid 'thinking.budget_tokens': expected a positive integer.`,
    );
  }
}

/** Checks `stop_sequences`: an array of strings. */
export function checkStopSequences(sequences: unknown): void {
  if (!Array.isArray(sequences)) {
    return; // Absent, or reported by the built-in IsArray constraint.
  }
  sequences.forEach((sequence, index) => {
    if (typeof sequence !== 'string') {
      throw invalidRequest(
        `stop_sequences.${index}`,
        `Invalid 'stop_sequences.${index}': expected a string.`,
      );
    }
  });
}

/** Checks `metadata.user_id`, the one metadata field the mapping reads. */
export function checkMetadata(metadata: unknown): void {
  if (isRecord(metadata)) {
    optionalString(metadata, 'user_id', 'metadata.user_id');
  }
}
