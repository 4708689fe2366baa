import { Counter, Histogram, Registry } from 'prom-client';
import { isMcpError, MCP_ERROR_CODE } from './mcp-errors.js';
import type { McpToolResult } from './mcp.types.js';

/** How one MCP tool call ended. */
export type McpToolOutcome = 'ok' | 'error' | 'timeout' | 'aborted';

/** The outcome of a call that resolved (aborted calls reject instead). */
export function mcpToolOutcome(result: McpToolResult): McpToolOutcome {
  if (!result.isError) {
    return 'ok';
  }
  return isMcpError(result.raw, MCP_ERROR_CODE.RequestTimeout)
    ? 'timeout'
    : 'error';
}

/** One MCP tool call being timed; see McpToolMetrics.start(). */
export interface McpCallTimer {
  /** Records the result and returns it, so `return timer.end(await …)` reads. */
  end(result: McpToolResult): McpToolResult;
  /** The caller's signal aborted the call. */
  aborted(): void;
}

const DURATION_BUCKETS = [
  0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

/** MCP tool calls by server, tool and outcome, with their latency. */
export class McpToolMetrics {
  private readonly calls: Counter<'server' | 'tool' | 'outcome'>;
  private readonly duration: Histogram<'server' | 'tool' | 'outcome'>;

  constructor(registry: Registry) {
    this.calls = new Counter({
      name: 'gateway_mcp_tool_calls_total',
      help: 'MCP tool calls by server, tool and outcome (ok, error, timeout, aborted).',
      labelNames: ['server', 'tool', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'gateway_mcp_tool_call_duration_seconds',
      help: 'Duration of MCP tool calls by server, tool and outcome.',
      labelNames: ['server', 'tool', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
  }

  /** Metrics that count into a registry nobody reads (no MetricsService). */
  static detached(): McpToolMetrics {
    return new McpToolMetrics(new Registry());
  }

  /** Starts timing one call of `tool` on `server`. */
  start(server: string, tool: string): McpCallTimer {
    const startedAt = performance.now();
    const record = (outcome: McpToolOutcome): void => {
      const labels = { server, tool, outcome };
      this.calls.inc(labels);
      this.duration.observe(labels, (performance.now() - startedAt) / 1000);
    };
    return {
      end: (result) => {
        record(mcpToolOutcome(result));
        return result;
      },
      aborted: () => record('aborted'),
    };
  }
}
