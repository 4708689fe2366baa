import { GatewayException } from '../common/errors/gateway.exception.js';
import { MCP_NAME_SEPARATOR } from '../config/mcp-servers/mcp-names.js';
import type { Tenant } from '../config/security/tenant.js';

/**
 * What a key may use: its models, configured MCP servers and tools, and
 * hosted MCP servers. Pure. A tenant without a list (or no tenant at all:
 * auth off) may use everything that list would restrict.
 */

/** A request's caller, passed along with a call's options. */
export interface CallerOption {
  /** The caller's tenant; undefined when inbound auth is off. */
  tenant?: Tenant;
}

/** Where a requested model goes (UpstreamRouter's answer): the upstream and the model sent there. */
export interface ModelRoute {
  target: { name: string };
  model: string;
}

/** A model as a request names it: the body's `model`, the path's upstream. */
export interface RequestedModel {
  model: string;
  /** The upstream of a `/{upstream}/v1/...` path. */
  upstreamName?: string;
}

// Compiled once per list: a tenant's lists are replaced, never changed, on reload.
const asGivenRegexes = new WeakMap<readonly string[], RegExp>();
const qualifiedRegexes = new WeakMap<readonly string[], RegExp>();

/**
 * Whether one of `patterns` matches one of `names` whole; `*` matches any
 * run of characters, `/` included, and everything else only itself.
 * Undefined patterns (no list) match everything; an empty list nothing.
 */
export function matchesAny(
  patterns: readonly string[] | undefined,
  names: readonly string[],
): boolean {
  if (patterns === undefined) {
    return true;
  }
  const regex = compiled(asGivenRegexes, patterns, (pattern) =>
    glob(pattern, '.*'),
  );
  return names.some((name) => regex.test(name));
}

/**
 * Whether one of `patterns` matches the model `upstream/model`. A pattern
 * names the upstream up to its first `/`, and a `*` there never crosses
 * that `/`; after it, `*` matches slashes too. So `lmstudio/*` matches
 * `lmstudio/qwen/qwen3`, while a pattern without `/` (`fake-*`) matches
 * no `upstream/model` at all (not `fake-cloud/gpt-4o`).
 */
export function matchesQualified(
  patterns: readonly string[],
  upstream: string,
  model: string,
): boolean {
  const regex = compiled(qualifiedRegexes, patterns, (pattern) => {
    const slash = pattern.indexOf('/');
    return slash < 0
      ? undefined
      : `${glob(pattern.slice(0, slash), '[^/]*')}\\/${glob(pattern.slice(slash + 1), '.*')}`;
  });
  return regex.test(`${upstream}/${model}`);
}

function compiled(
  cache: WeakMap<readonly string[], RegExp>,
  patterns: readonly string[],
  source: (pattern: string) => string | undefined,
): RegExp {
  let regex = cache.get(patterns);
  if (regex === undefined) {
    const alternatives = patterns.flatMap((pattern) => source(pattern) ?? []);
    regex =
      alternatives.length === 0
        ? /(?!)/
        : new RegExp(`^(?:${alternatives.join('|')})$`, 's');
    cache.set(patterns, regex);
  }
  return regex;
}

/** A pattern as a regular expression: `*` becomes `star`, the rest literal. */
function glob(pattern: string, star: string): string {
  return pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
    .join(star);
}

/**
 * Whether the tenant may use a model. A model routed to an upstream by a
 * prefix (`/{upstream}/v1/...`, or a `name/` naming an upstream) goes only
 * by `upstream/model`, so no pattern of one upstream's models reaches
 * another's (see matchesQualified); any other model by its name as
 * requested, and by `upstream/model` after routing (`default/…` for the
 * default upstream), so `lmstudio/*` allows every model of that upstream
 * however it is reached. `route` is only called when the tenant has a
 * model list.
 */
export function allowsModel(
  tenant: Tenant | undefined,
  requested: RequestedModel,
  route: () => ModelRoute,
): boolean {
  const patterns = tenant?.models;
  if (patterns === undefined) {
    return true;
  }
  const routed = route();
  if (matchesQualified(patterns, routed.target.name, routed.model)) {
    return true;
  }
  // Routing strips the prefix it routed by: an unchanged name had none.
  const prefixRouted =
    requested.upstreamName !== undefined || routed.model !== requested.model;
  return !prefixRouted && matchesAny(patterns, [requested.model]);
}

/**
 * As allowsModel, as a check before any upstream call.
 * @throws GatewayException forbidden (403, `model_not_allowed`).
 */
export function assertModelAllowed(
  tenant: Tenant | undefined,
  requested: RequestedModel,
  route: () => ModelRoute,
): void {
  if (!allowsModel(tenant, requested, route)) {
    const shown =
      requested.upstreamName === undefined
        ? requested.model
        : `${requested.upstreamName}/${requested.model}`;
    throw new GatewayException(
      'forbidden',
      `The model '${shown}' is not available to this API key.`,
      { param: 'model', openAiCode: 'model_not_allowed' },
    );
  }
}

/**
 * Whether the tenant may use a configured MCP server's tool: its server
 * must be in `mcpServers`, and `server__tool` (or the tool's own name,
 * which then means that tool on every allowed server) must match
 * `mcpTools`. Each absent list allows all.
 */
export function allowsMcpTool(
  tenant: Tenant | undefined,
  server: string,
  tool: string,
): boolean {
  if (tenant === undefined) {
    return true;
  }
  return (
    matchesAny(tenant.mcpServers, [server]) &&
    matchesAny(tenant.mcpTools, [`${server}${MCP_NAME_SEPARATOR}${tool}`, tool])
  );
}

/**
 * Refuses a request that declares hosted `mcp` tools (a `server_url`) for
 * a tenant with `hosted_mcp: false`. `declaresHostedMcp` is only called
 * for such a tenant.
 * @throws GatewayException forbidden (403, `hosted_mcp_not_allowed`).
 */
export function assertHostedMcpAllowed(
  tenant: Tenant | undefined,
  declaresHostedMcp: () => boolean,
): void {
  if (tenant?.hostedMcp === false && declaresHostedMcp()) {
    throw new GatewayException(
      'forbidden',
      'Hosted MCP tools (type "mcp" with a server_url) are not available to this API key.',
      { param: 'tools', openAiCode: 'hosted_mcp_not_allowed' },
    );
  }
}
