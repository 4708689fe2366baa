import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { HttpMetrics } from './http-metrics.js';
import { McpToolMetrics } from './mcp-tool-metrics.js';
import { UpstreamMetrics } from './upstream-metrics.js';

/** Prefix of the default Node.js metrics (`gateway_process_cpu_seconds_total`, …). */
export const DEFAULT_METRICS_PREFIX = 'gateway_';

/**
 * The gateway's Prometheus metrics, on a Registry of its own (never
 * prom-client's global one), so several apps in one process (the e2e
 * tests) each count their own traffic. Feature code records through the
 * three groups; `GET /metrics` renders the registry.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  /** Requests, latency, time to first byte, open streams; fed by configureApp's hook. */
  readonly http = new HttpMetrics(this.registry);
  /** Upstream attempts, errors, retries, tokens; fed by LlmClientService. */
  readonly upstream = new UpstreamMetrics(this.registry);
  /** MCP tool calls; fed by McpManagerService. */
  readonly mcpTools = new McpToolMetrics(this.registry);

  constructor() {
    collectDefaultMetrics({
      register: this.registry,
      prefix: DEFAULT_METRICS_PREFIX,
    });
  }

  /** The content type of `render()`: the Prometheus text format. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in the Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
