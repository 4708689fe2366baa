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
