import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { upstreamConfig } from '../config/upstream.config.js';
import { upstreamsConfig } from '../config/upstreams.config.js';
import {
  DEFAULT_UPSTREAM_NAME,
  type UpstreamDefinition,
} from '../config/upstreams/upstream-definition.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';

/**
 * Every upstream the gateway knows: the default one from
 * `OPENAI_BASE_URL_INTERNAL` and the named ones of the upstreams file.
 */
@Injectable()
export class UpstreamRegistry {
  /** The upstream of `OPENAI_BASE_URL_INTERNAL`, named `default`. */
  readonly defaultTarget: UpstreamTarget;
  /** The named upstreams, in file order (the default one is not among them). */
  readonly definitions: readonly UpstreamDefinition[];
  private readonly byName: ReadonlyMap<string, UpstreamDefinition>;
  private readonly fallbackName: string | undefined;

  constructor(
    @Inject(upstreamConfig.KEY)
    upstream: Pick<ConfigType<typeof upstreamConfig>, 'baseUrl' | 'apiKey'>,
    @Inject(upstreamsConfig.KEY)
    upstreams: Pick<
      ConfigType<typeof upstreamsConfig>,
      'upstreams' | 'fallback' | 'defaultToolCallFormat'
    >,
  ) {
    this.defaultTarget = {
      name: DEFAULT_UPSTREAM_NAME,
      baseUrl: upstream.baseUrl,
      apiKey: upstream.apiKey,
      supportsToolRole: true,
      toolCallFormat: upstreams.defaultToolCallFormat,
    };
    this.definitions = upstreams.upstreams;
    this.byName = new Map([
      [
        DEFAULT_UPSTREAM_NAME,
        { target: this.defaultTarget, modelOverrides: {} },
      ],
      ...upstreams.upstreams.map((d) => [d.target.name, d] as const),
    ]);
    this.fallbackName = upstreams.fallback;
  }

  /** Every upstream, the default one first. */
  get targets(): UpstreamTarget[] {
    return [...this.byName.values()].map((d) => d.target);
  }

  /** The upstream called `name`, `default` included. */
  definition(name: string): UpstreamDefinition | undefined {
    return this.byName.get(name);
  }

  /**
   * The upstream called `name` with the overrides of `model` applied, or
   * undefined for an unknown name.
   */
  target(name: string, model?: string): UpstreamTarget | undefined {
    const definition = this.byName.get(name);
    if (!definition) {
      return undefined;
    }
    const override =
      model === undefined
        ? undefined
        : Object.hasOwn(definition.modelOverrides, model)
          ? definition.modelOverrides[model]
          : undefined;
    return override ? { ...definition.target, ...override } : definition.target;
  }

  /**
   * The upstream to try once when the retries on `primary` ran out; never
   * `primary` itself.
   */
  fallbackFor(
    primary: UpstreamTarget,
    model?: string,
  ): UpstreamTarget | undefined {
    if (!this.fallbackName || this.fallbackName === primary.name) {
      return undefined;
    }
    return this.target(this.fallbackName, model);
  }
}
