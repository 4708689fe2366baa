import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { loggableUrl } from '../common/logging/url-secrets.js';
import { LlmClientService } from '../llm-client/llm-client.service.js';
import { UpstreamRegistry } from '../llm-client/upstream-registry.service.js';
import type { ConfigType } from '@nestjs/config';
import { upstreamsConfig } from '../config/upstreams.config.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';
import { MetricsService } from '../metrics/metrics.service.js';

/** How long one probe of an upstream may take. */
const UPSTREAM_PROBE_TIMEOUT_MS = 2_000;

/** What the latest probe of an upstream found (`unknown` before the first one). */
export interface UpstreamHealthState {
  state: 'up' | 'down' | 'unknown';
  /** The status `GET <base URL>/models` answered; null when it did not answer. */
  status?: number | null;
}

/**
 * Whether each upstream answers, from a probe (`GET <base URL>/models`)
 * at start and every UPSTREAM_PROBE_INTERVAL seconds (none when it is 0:
 * every state stays `unknown`). An upstream is up when it answers with
 * neither a 5xx nor a 404 (a base URL that lacks `/v1` answers 404 to
 * every request). It feeds
 * gateway_upstream_up, the body of /ready, and a log line when an upstream
 * goes down or comes back; it never makes the gateway unready (another
 * upstream, the fallback or the pass-through may still answer).
 */
@Injectable()
export class UpstreamHealthService
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('UpstreamHealth');
  private readonly states = new Map<string, UpstreamHealthState>();
  private probing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly llm: LlmClientService,
    private readonly registry: UpstreamRegistry,
    @Inject(upstreamsConfig.KEY)
    private readonly config: Pick<
      ConfigType<typeof upstreamsConfig>,
      'healthIntervalMs'
    >,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    for (const target of registry.targets) {
      this.states.set(target.name, { state: 'unknown' });
    }
  }

  /** The first probe runs in the background: start-up does not wait for upstreams. */
  onApplicationBootstrap(): void {
    if (this.config.healthIntervalMs === 0) {
      return;
    }
    void this.probeAll(true);
    this.timer = setInterval(
      () => void this.probeAll(false),
      this.config.healthIntervalMs,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** The latest state of every upstream; never waits for a probe. */
  snapshot(): Record<string, UpstreamHealthState> {
    return Object.fromEntries(this.states);
  }

  /** Probes every upstream once; a probe already under way is shared. */
  probeAll(atStart: boolean): Promise<void> {
    this.probing ??= Promise.all(
      this.registry.targets.map((target) => this.probe(target)),
    )
      .then((results) => {
        if (atStart) {
          this.logStart(results);
        }
      })
      .finally(() => {
        this.probing = null;
      });
    return this.probing;
  }

  private async probe(target: UpstreamTarget): Promise<ProbeResult> {
    const status = await this.llm.probe(UPSTREAM_PROBE_TIMEOUT_MS, target);
    const up = status !== null && status !== 404 && status < 500;
    const previous = this.states.get(target.name)?.state ?? 'unknown';
    const state = up ? 'up' : 'down';
    this.states.set(target.name, { state, status });
    this.metrics?.availability.upstreamProbed(target.name, up);
    const result = { target, status, state } as const;
    if (previous !== 'unknown' && previous !== state) {
      this.logChange(result);
    }
    return result;
  }

  /** One line naming each upstream's effective URL and what it answered. */
  private logStart(results: ProbeResult[]): void {
    this.logger.log({
      msg: 'upstreams probed',
      upstreams: results.map(({ target, status, state }) => ({
        name: target.name,
        url: loggableUrl(target.baseUrl),
        state,
        status,
      })),
    });
    for (const { target, status } of results) {
      if (status === 404) {
        this.logger.warn(
          `upstream ${target.name}: GET ${loggableUrl(target.baseUrl)}/models answered 404; ` +
            'does its base URL lack /v1? Every call to it will fail.',
        );
      } else if (status === null) {
        this.logger.warn(
          `upstream ${target.name} at ${loggableUrl(target.baseUrl)} does not answer`,
        );
      }
    }
  }

  private logChange({ target, status, state }: ProbeResult): void {
    const url = loggableUrl(target.baseUrl);
    if (state === 'up') {
      this.logger.log(
        { upstream: target.name, url, status },
        `upstream ${target.name} is back up`,
      );
    } else {
      this.logger.warn(
        { upstream: target.name, url, status },
        `upstream ${target.name} went down`,
      );
    }
  }
}

interface ProbeResult {
  target: UpstreamTarget;
  status: number | null;
  state: 'up' | 'down';
}
