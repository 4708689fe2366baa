import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { allowsModel } from '../auth/access-policy.js';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { Tenant } from '../config/security/tenant.js';
import { serverConfig } from '../config/server.config.js';
import { upstreamsConfig } from '../config/upstreams.config.js';
import { LlmClientService } from '../llm-client/llm-client.service.js';
import { UpstreamRegistry } from '../llm-client/upstream-registry.service.js';
import { UpstreamRouter } from '../llm-client/upstream-router.service.js';
import { toUpstreamException } from '../llm-client/upstream-errors.js';
import type { MetricLabels } from '../metrics/metric-labels.js';
import { MetricsService } from '../metrics/metrics.service.js';
import {
  mergeModelLists,
  readModelList,
  type ModelList,
  type ModelObject,
  type UpstreamModels,
} from './model-list.js';

/** How long one upstream may take to list its models. */
const MODELS_FETCH_TIMEOUT_MS = 3_000;

/**
 * The aggregated `GET /v1/models`: every upstream's list fetched in parallel,
 * named upstreams' ids as `name/model`, the default upstream's as they are.
 * An upstream that fails is left out (with a warning); only when all fail is
 * the request an error. Cached briefly, unless the client's own key is
 * forwarded (then each client may see another list). Every list it reads
 * tells the metrics which model names may be label values; a scrape of
 * /metrics re-reads the lists when that knowledge is a minute old (not with
 * forwarded keys: without a client's key the upstream may refuse).
 */
@Injectable()
export class ModelsService {
  private readonly logger = new Logger(ModelsService.name);
  private cached: { at: number; list: ModelList } | null = null;
  private pending: Promise<ModelList> | null = null;
  private readonly labels: MetricLabels | undefined;
  // Routes as the endpoints do, to tell which listed ids a key may use.
  private readonly router: UpstreamRouter;

  constructor(
    private readonly llm: LlmClientService,
    private readonly registry: UpstreamRegistry,
    @Inject(upstreamsConfig.KEY)
    private readonly upstreams: Pick<
      ConfigType<typeof upstreamsConfig>,
      'modelsCacheMs'
    >,
    @Inject(serverConfig.KEY)
    private readonly server: Pick<
      ConfigType<typeof serverConfig>,
      'forwardClientAuth'
    >,
    @Optional() @Inject(MetricsService) metrics?: MetricsService,
  ) {
    this.labels = metrics?.labels;
    this.router = new UpstreamRouter(registry);
    if (!server.forwardClientAuth) {
      this.labels?.refreshModelsWith(() => this.list());
    }
  }

  /**
   * Every model of every reachable upstream that `tenant` may use (all of
   * them without a tenant or a model list).
   */
  async list(
    clientAuthorization?: string,
    tenant?: Tenant,
  ): Promise<ModelList> {
    const list = await this.everyModel(clientAuthorization);
    if (tenant?.models === undefined) {
      return list;
    }
    // Each id as a request would name it, routed as that request would be.
    const data = list.data.filter((model) =>
      allowsModel(tenant, { model: model.id }, () =>
        this.router.route(model.id),
      ),
    );
    return { ...list, data };
  }

  /**
   * One model by its listed id, e.g. `lmstudio/qwen/qwen3`; one the tenant
   * may not use does not exist for it.
   */
  async get(
    id: string,
    clientAuthorization?: string,
    tenant?: Tenant,
  ): Promise<ModelObject> {
    const list = await this.list(clientAuthorization, tenant);
    const model = list.data.find((m) => m.id === id);
    if (!model) {
      throw new GatewayException(
        'not_found',
        `The model '${id}' does not exist.`,
        { param: 'model', openAiCode: 'model_not_found' },
      );
    }
    return model;
  }

  private async everyModel(clientAuthorization?: string): Promise<ModelList> {
    if (this.server.forwardClientAuth) {
      return this.fetchAll(
        clientAuthorization ? { authorization: clientAuthorization } : {},
      );
    }
    if (
      this.cached &&
      Date.now() - this.cached.at < this.upstreams.modelsCacheMs
    ) {
      return this.cached.list;
    }
    // Concurrent callers share one round of upstream requests.
    this.pending ??= this.fetchAll({})
      .then((list) => {
        this.cached = { at: Date.now(), list };
        return list;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  private async fetchAll(headers: Record<string, string>): Promise<ModelList> {
    const targets = this.registry.targets;
    const results = await Promise.allSettled(
      targets.map(async (target): Promise<UpstreamModels> => {
        const body = await this.llm.getJson(
          target,
          '/models',
          AbortSignal.timeout(MODELS_FETCH_TIMEOUT_MS),
          headers,
        );
        return {
          prefix:
            target === this.registry.defaultTarget ? '' : `${target.name}/`,
          models: readModelList(body, target.name),
        };
      }),
    );
    const lists: UpstreamModels[] = [];
    const failures: unknown[] = [];
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') {
        lists.push(result.value);
        return;
      }
      const reason: unknown = result.reason;
      failures.push(reason);
      this.logger.warn(
        { upstream: targets[index]?.name, err: reason },
        'an upstream did not list its models',
      );
    });
    if (lists.length === 0) {
      // Nothing to show: report the first upstream's failure.
      throw toUpstreamException(failures[0], targets[0]?.name ?? 'default');
    }
    this.labels?.learnModels(lists);
    return mergeModelLists(lists);
  }
}
