import {
  createCustomFamily,
  type ToolCallFamily,
} from '../tool-calls/index.js';

/** The named values of `DEFAULT_TOOL_CALL_TAGS` / `agent_format`; `"START,END"` is the other form. */
export const AGENT_FORMAT_NAMES = [
  'openai',
  'xml',
  'llama3',
  'qwen3',
  'gemma',
  'passthrough',
] as const;

/**
 * How tool calls reach the client:
 * - `openai`: real `tool_calls` (the default);
 * - `passthrough`: the model's own output, untouched (no text parsing);
 * - `tags`: every client tool call written into the assistant text as
 *   `start{"name": …, "arguments": {…}}end`, finish_reason `stop`.
 */
export type AgentFormat =
  | { kind: 'openai' }
  | { kind: 'passthrough' }
  | { kind: 'tags'; name: string; start: string; end: string };

/** The default: real `tool_calls`. */
export const OPENAI_AGENT_FORMAT: AgentFormat = { kind: 'openai' };

/** The tags each named text format writes (AbstractCore's conventions). */
const TAGS: Record<string, { start: string; end: string }> = {
  xml: { start: '<tool_call>', end: '</tool_call>' },
  llama3: { start: '<function_call>', end: '</function_call>' },
  qwen3: { start: '<|tool_call|>', end: '</|tool_call|>' },
  gemma: { start: '```tool_code\n', end: '\n```' },
};

/** Matches every accepted value (for the env validator). */
export const AGENT_FORMAT_PATTERN =
  /^\s*(openai|xml|llama3|qwen3|gemma|passthrough|[^,]*\S[^,]*,.*\S.*)\s*$/i;

/**
 * Parses an `agent_format` value: one of AGENT_FORMAT_NAMES
 * (case-insensitive) or `"START,END"` (split on the first comma).
 *
 * @returns undefined for a value it does not accept.
 */
export function parseAgentFormat(value: string): AgentFormat | undefined {
  const trimmed = value.trim();
  const lower = trimmed.toLowerCase();
  if (lower === 'openai' || lower === 'passthrough') {
    return { kind: lower };
  }
  const named = TAGS[lower];
  if (named !== undefined) {
    return { kind: 'tags', name: lower, ...named };
  }
  const comma = trimmed.indexOf(',');
  const start = trimmed.slice(0, comma).trim();
  const end = trimmed.slice(comma + 1).trim();
  if (comma < 0 || start === '' || end === '') {
    return undefined;
  }
  return { kind: 'tags', name: 'custom', start, end };
}

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
