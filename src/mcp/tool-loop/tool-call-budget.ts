import { mcpErrorResult } from '../mcp-result.mapper.js';
import type { McpToolResult } from '../mcp.types.js';

/**
 * How many server-side calls one loop may still run or send for approval:
 * a response's `max_tool_calls` (unlimited when unset). Calls are taken in
 * the order the model made them; those beyond the cap are ignored.
 */
export class ToolCallBudget {
  private counted = 0;

  constructor(readonly max: number = Number.POSITIVE_INFINITY) {}

  /** True once as many calls as the cap allows were taken. */
  get spent(): boolean {
    return this.counted >= this.max;
  }

  /** Splits calls, in order, into those within the cap (now counted) and the rest. */
  take<T>(calls: readonly T[]): { taken: T[]; ignored: T[] } {
    const room = Math.max(0, this.max - this.counted);
    const taken = calls.slice(0, room);
    this.counted += taken.length;
    return { taken, ignored: calls.slice(taken.length) };
  }

  /** What the model hears of an ignored call. */
  ignoredResult(): McpToolResult {
    return mcpErrorResult(
      `Not run: this response reached its limit of ${this.max} tool calls (max_tool_calls).`,
      null,
    );
  }
}
