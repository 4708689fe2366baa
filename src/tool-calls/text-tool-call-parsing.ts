import { randomText } from '../common/random/random-text.js';
import { isRecord } from '../common/is-record.js';
import type {
  JsonSchema,
  ParseContext,
  ToolCallFamily,
} from './tool-call.types.js';

/** What turning text tool calls into real ones needs to know about a request. */
export interface TextToolCallParsing {
  /** Candidate families in priority order (see `resolveToolCallFamilies`); never empty. */
  readonly families: readonly ToolCallFamily[];
  /** The request's declared tools: only these names become calls. */
  readonly context: ParseContext;
  /** A new `call_…` id per parsed call (default: random). */
  readonly newCallId?: () => string;
}

/**
 * The ParseContext of a request: each declared function's name → its
 * parameters schema. The tools come from the client unchecked, so anything
 * that is not a well-formed function tool is skipped.
 */
export function parseContextOf(tools: unknown): ParseContext {
  const map = new Map<string, JsonSchema | undefined>();
  for (const tool of Array.isArray(tools) ? (tools as unknown[]) : []) {
    const fn = isRecord(tool) ? tool['function'] : undefined;
    if (!isRecord(tool) || tool['type'] !== 'function' || !isRecord(fn)) {
      continue;
    }
    const { name, parameters } = fn;
    if (typeof name === 'string' && name !== '') {
      map.set(name, isRecord(parameters) ? parameters : undefined);
    }
  }
  return { tools: map };
}

/** A tool call id shaped like OpenAI's: `call_` and 24 hex characters. */
export function newToolCallId(): string {
  return `call_${randomText(12, 'hex')}`;
}

/** finish_reason once calls were parsed; truncation and filtering are kept as they are. */
export function finishWithCalls(
  reason: string | null | undefined,
): string | null {
  return reason === 'length' || reason === 'content_filter'
    ? reason
    : 'tool_calls';
}
