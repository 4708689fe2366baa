import { Gauge, type Registry } from 'prom-client';
import type { MetricLabels } from './metric-labels.js';

/** A configured MCP server and whether it is connected now. */
export interface McpServerState {
  name: string;
  connected: boolean;
}

/**
 * What an operator alerts on: is each upstream up (its last probe), is each
 * MCP server connected, and which build runs. Upstream names are bounded by
 * `labels`; MCP server names come from the configuration file.
 */
export class AvailabilityMetrics {
  private readonly upstreamUp: Gauge<'upstream'>;
  private mcpServers: () => readonly McpServerState[] = () => [];

  constructor(
    registry: Registry,
    private readonly labels: MetricLabels,
    build: { version: string; node: string },
  ) {
    const registers = [registry];
    this.upstreamUp = new Gauge({
      name: 'gateway_upstream_up',
      help: "1 when the upstream's last probe (GET /models) answered, else 0.",
      labelNames: ['upstream'],
      registers,
    });
    // Read at scrape time, so it is never stale.
    const servers = (): readonly McpServerState[] => this.mcpServers();
    new Gauge({
      name: 'gateway_mcp_server_up',
      help: '1 when the configured MCP server is connected, else 0.',
      labelNames: ['server'],
      registers,
      collect() {
        this.reset();
        for (const server of servers()) {
          this.set({ server: server.name }, server.connected ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'gateway_build_info',
      help: 'Always 1; the labels name the gateway version and the Node.js version.',
      labelNames: ['version', 'node'],
      registers,
    }).set(build, 1);
  }

  /** The result of the latest probe of `upstream`. */
  upstreamProbed(upstream: string, up: boolean): void {
    this.upstreamUp.set(
      { upstream: this.labels.upstream.of(upstream) },
      up ? 1 : 0,
    );
  }

  /** Where gateway_mcp_server_up reads the servers' state (McpManagerService). */
  watchMcpServers(servers: () => readonly McpServerState[]): void {
    this.mcpServers = servers;
  }
}
