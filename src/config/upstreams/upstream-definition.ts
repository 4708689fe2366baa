import type { UpstreamTarget } from './upstream-target.js';

/** The name of the upstream set by `OPENAI_BASE_URL_INTERNAL`. */
export const DEFAULT_UPSTREAM_NAME = 'default';

/** Which model ids an upstream serves: an explicit list or a pattern. */
export type ModelMatcher =
  | { readonly kind: 'list'; readonly ids: readonly string[] }
  | { readonly kind: 'pattern'; readonly pattern: RegExp };

/** Per-model settings that replace the upstream's own. */
export interface ModelOverride {
  readonly toolCallFormat?: string;
  readonly supportsToolRole?: boolean;
}

/** One named upstream of the upstreams file, resolved and validated. */
export interface UpstreamDefinition {
  /** Everything needed to call it; the API key is already resolved. */
  readonly target: UpstreamTarget;
  /** Models routed here without a `name/` prefix; absent: none. */
  readonly models?: ModelMatcher;
  /** Keyed by the model id as sent to this upstream. */
  readonly modelOverrides: Readonly<Record<string, ModelOverride>>;
}

/** The validated content of the upstreams file. */
export interface UpstreamsFile {
  readonly upstreams: readonly UpstreamDefinition[];
  /** Upstream tried once after the retries on another one ran out. */
  readonly fallback?: string;
}

/** True when `matcher` claims `model`. */
export function matchesModel(
  matcher: ModelMatcher | undefined,
  model: string,
): boolean {
  if (!matcher) {
    return false;
  }
  return matcher.kind === 'list'
    ? matcher.ids.includes(model)
    : matcher.pattern.test(model);
}
