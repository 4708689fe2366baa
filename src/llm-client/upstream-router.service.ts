import { Injectable } from '@nestjs/common';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { matchesModel } from '../config/upstreams/upstream-definition.js';
import { UpstreamRegistry } from './upstream-registry.service.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';

/** Where one request goes, and how that backend is to be treated. */
export interface RoutedModel {
  /** The upstream, with the per-model overrides already applied. */
  target: UpstreamTarget;
  /** The model id to send upstream (a `name/` routing prefix removed). */
  model: string;
  /** `auto`, `none`, a family name or `START,END`. */
  toolCallFormat: string;
  supportsToolRole: boolean;
}

/**
 * Picks the upstream of a request. In order:
 * 1. an upstream named in the path (`/{upstream}/v1/...`), model untouched;
 * 2. a `name/model` prefix naming an upstream, split at the first slash only
 *    (`lmstudio/qwen/qwen3` is model `qwen/qwen3` on `lmstudio`);
 * 3. the first upstream whose `models` list or pattern claims the model;
 * 4. the default upstream.
 */
@Injectable()
export class UpstreamRouter {
  constructor(private readonly registry: UpstreamRegistry) {}

  /**
   * @throws GatewayException `not_found` (param `model`) when `upstreamName`
   * names no configured upstream.
   */
  route(model: string, upstreamName?: string): RoutedModel {
    if (upstreamName !== undefined) {
      const target = this.registry.target(upstreamName, model);
      if (!target) {
        throw new GatewayException(
          'not_found',
          `The upstream '${upstreamName}' does not exist.`,
          { param: 'model', openAiCode: 'upstream_not_found' },
        );
      }
      return routed(target, model);
    }
    const slash = model.indexOf('/');
    if (slash > 0) {
      const prefix = model.slice(0, slash);
      const rest = model.slice(slash + 1);
      const target = this.registry.target(prefix, rest);
      if (target && rest !== '') {
        return routed(target, rest);
      }
    }
    const claimed = this.registry.definitions.find((d) =>
      matchesModel(d.models, model),
    );
    const name = claimed?.target.name ?? this.registry.defaultTarget.name;
    return routed(
      this.registry.target(name, model) ?? this.registry.defaultTarget,
      model,
    );
  }
}

function routed(target: UpstreamTarget, model: string): RoutedModel {
  return {
    target,
    model,
    toolCallFormat: target.toolCallFormat ?? 'auto',
    supportsToolRole: target.supportsToolRole ?? true,
  };
}
