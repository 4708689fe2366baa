import {
  DEFAULT_UPSTREAM_NAME,
  type UpstreamDefinition,
} from '../config/upstreams/upstream-definition.js';
import { BoundedLabel } from './bounded-label.js';

/**
 * Most model names that ever become a `model` label value (2 series each in
 * gateway_tokens_total). Ample for the lists of self-hosted backends and of
 * hosted APIs alike; a model learned past it is counted as `other`.
 */
export const MAX_MODEL_LABEL_VALUES = 1_000;
/** Most upstream names that become an `upstream` label value. */
const MAX_UPSTREAM_LABEL_VALUES = 200;
/** Most key names that become a `tenant` label value. */
const MAX_TENANT_LABEL_VALUES = 200;
/** The `tenant` label of a request no key admitted (auth off, or refused). */
const NO_TENANT_LABEL = 'none';

/** How old the known model list may be before a scrape re-reads it. */
export const MODEL_LIST_REFRESH_MS = 60_000;

/** The models one upstream listed, as ModelsService read them. */
export interface ListedModels {
  /** `name/` for a named upstream; empty for the default one. */
  prefix: string;
  models: readonly { id: string }[];
}

/**
 * The values the `upstream` and `model` labels may take. Upstream names come
 * from the configuration; model names from the upstreams file's model
 * routes and from what the upstreams list on `/models` (ModelsService
 * reports every list it reads, and a scrape re-reads them once a minute).
 * A name the client or an upstream made up is `other`, so /metrics stays
 * the same size whatever the traffic.
 */
export class MetricLabels {
  readonly upstream = new BoundedLabel(MAX_UPSTREAM_LABEL_VALUES);
  readonly model = new BoundedLabel(MAX_MODEL_LABEL_VALUES);
  private readonly tenants = new BoundedLabel(MAX_TENANT_LABEL_VALUES);
  private refreshModels: (() => Promise<unknown>) | null = null;
  private refreshedAt = -Infinity;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly now: () => number = Date.now) {
    this.upstream.allow([DEFAULT_UPSTREAM_NAME]);
  }

  /**
   * The `tenant` label of a caller's key label (its name, or `unnamed`):
   * learned on sight, as only the keys files make these names, up to
   * MAX_TENANT_LABEL_VALUES; no key is `none`.
   */
  tenant(label: string | undefined): string {
    if (label === undefined) {
      return NO_TENANT_LABEL;
    }
    this.tenants.allow([label]);
    return this.tenants.of(label);
  }

  /** The named upstreams, and the models their `models` lists and overrides name. */
  allowConfigured(definitions: readonly UpstreamDefinition[]): void {
    for (const { target, models, modelOverrides } of definitions) {
      this.upstream.allow([target.name]);
      const ids = [
        ...(models?.kind === 'list' ? models.ids : []),
        ...Object.keys(modelOverrides),
      ];
      this.model.allow(ids.flatMap((id) => [id, `${target.name}/${id}`]));
    }
  }

  /**
   * The models upstreams listed: each as the upstream names it (what its
   * completions report) and as the gateway lists it (`name/model`).
   */
  learnModels(lists: readonly ListedModels[]): void {
    this.model.allow(
      lists.flatMap(({ prefix, models }) =>
        models.flatMap(({ id }) => (prefix ? [id, `${prefix}${id}`] : [id])),
      ),
    );
  }

  /** How to re-read the upstreams' model lists (ModelsService.list). */
  refreshModelsWith(refresh: () => Promise<unknown>): void {
    this.refreshModels = refresh;
  }

  /**
   * Re-reads the model lists when the last read is older than
   * MODEL_LIST_REFRESH_MS; never fails (ModelsService logs a failure).
   * Called before each scrape, so Prometheus's own pace bounds the upstream
   * requests this makes, and new models get their label within a minute.
   */
  refreshIfStale(): Promise<void> {
    const refresh = this.refreshModels;
    if (this.refreshing || !refresh) {
      return this.refreshing ?? Promise.resolve();
    }
    if (this.now() - this.refreshedAt < MODEL_LIST_REFRESH_MS) {
      return Promise.resolve();
    }
    this.refreshedAt = this.now();
    this.refreshing = refresh().then(
      () => undefined,
      () => undefined,
    );
    void this.refreshing.finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }
}
