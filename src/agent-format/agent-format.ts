import {
  createCustomFamily,
  type ToolCallFamily,
} from '../tool-calls/index.js';
import type { AgentFormat } from '../config/agent-format-setting.js';

/** A tool call as the client will read it in a tag format. */
export interface TextToolCall {
  name: string;
  /** The call's arguments as JSON text (as in `function.arguments`). */
  arguments: string;
}

/**
 * One call in a tag format: `start{"name": "…", "arguments": {…}}end`. The
 * arguments are spliced in as the model wrote them, so every value (number
 * spelling, key order, escapes) round-trips byte for byte; empty arguments
 * become `{}`, and text that is not a JSON object is kept as a JSON string.
 */
export function formatToolCall(
  format: Extract<AgentFormat, { kind: 'tags' }>,
  call: TextToolCall,
): string {
  const args = call.arguments.trim();
  const json = `{"name": ${JSON.stringify(call.name)}, "arguments": ${argumentsJson(args)}}`;
  return `${format.start}${json}${format.end}`;
}

function argumentsJson(args: string): string {
  if (args === '') {
    return '{}';
  }
  try {
    const value: unknown = JSON.parse(args);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return args;
    }
  } catch {
    // Not JSON: kept as a string below.
  }
  return JSON.stringify(args);
}

/**
 * A parser family reading this format's blocks back (the tags with JSON
 * between them), for the tagged calls a client sends in its history.
 */
export function familyOf(
  format: Extract<AgentFormat, { kind: 'tags' }>,
): ToolCallFamily {
  return createCustomFamily(format.start.trim(), format.end.trim());
}
