import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { upstreamsConfig } from '../config/upstreams.config.js';
import { packageInfo } from '../common/package-info.js';
import { AvailabilityMetrics } from './availability-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { MetricLabels } from './metric-labels.js';

/** Prefix of the default Node.js metrics (`gateway_process_cpu_seconds_total`, …). */
const DEFAULT_METRICS_PREFIX = 'gateway_';

/**
 * The gateway's Prometheus metrics, on a Registry of its own (never
 * prom-client's global one), so several apps in one process (the e2e
 * tests) each count their own traffic. The feature modules register their own
 * groups on it (LlmClientModule its upstream and model-call meters,
 * McpModule its tool-call meter); `GET /metrics` renders the registry.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  /**
   * The values the `upstream` and `model` labels may take: the configured
   * upstreams and model routes here, the listed models from ModelsService.
   */
  readonly labels = new MetricLabels();
  /** Requests, latency, time to first byte, open streams; fed by configureApp's hook. */
  readonly http = new HttpMetrics(this.registry, (tenant) =>
    this.labels.tenant(tenant),
  );
  /** Upstream and MCP server up gauges, build info; fed by the health probes and McpManagerService. */
  readonly availability = new AvailabilityMetrics(this.registry, this.labels, {
    version: packageInfo.version,
    node: process.version,
  });

  constructor(
    @Optional()
    @Inject(upstreamsConfig.KEY)
    upstreams?: Pick<ConfigType<typeof upstreamsConfig>, 'upstreams'>,
  ) {
    this.labels.allowConfigured(upstreams?.upstreams ?? []);
    collectDefaultMetrics({
      register: this.registry,
      prefix: DEFAULT_METRICS_PREFIX,
    });
  }

  /** The content type of `render()`: the Prometheus text format. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Every metric in the Prometheus text format, after the known model list
   * was refreshed when it is stale (see MetricLabels.refreshIfStale).
   */
  async render(): Promise<string> {
    await this.labels.refreshIfStale();
    return this.registry.metrics();
  }
}
