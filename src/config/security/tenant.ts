/**
 * Who is calling: the tenant an inbound key belongs to. With
 * GATEWAY_KEYS_FILE each key has a name and may carry access lists and
 * limits; a key of GATEWAY_API_KEYS(_FILE) is an unnamed tenant of its own,
 * with no lists and no limits. Without any key configured there is no
 * tenant at all (every function taking `Tenant | undefined` then allows all).
 */
export interface Tenant {
  /**
   * The owner recorded on stored objects: the key's name, or for an unnamed
   * key `key:` and a prefix of its SHA-256 (stable across replicas and
   * restarts, and not the key).
   */
  readonly id: string;
  /** The label of logs and metrics: the key's name, or `unnamed`. */
  readonly label: string;
  /** Model names or patterns (`*` wildcards, `upstream/*`); absent: any model. */
  readonly models?: readonly string[];
  /** Configured MCP servers the key may use; absent: all of them. */
  readonly mcpServers?: readonly string[];
  /** MCP tools (as the model sees them, `server__tool`, `*` wildcards); absent: all. */
  readonly mcpTools?: readonly string[];
  /**
   * Pass-through paths below `/v1/` (`embeddings`, `audio/*`) the key may
   * call, on every upstream; absent: all of them.
   */
  readonly passThrough?: readonly string[];
  /**
   * Whether requests may declare hosted `mcp` tools (server_url); by
   * default yes, unless the key's MCP servers or tools are listed.
   */
  readonly hostedMcp: boolean;
  readonly limits: TenantLimits;
  /** Free-form facts (team, cost centre), on the access line of each request. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Per-key limits; an absent limit is no limit. */
export interface TenantLimits {
  readonly requestsPerMinute?: number;
  readonly tokensPerMinute?: number;
  readonly tokensPerDay?: number;
}

/** How the owner id of an unnamed key starts; no key name may. */
export const UNNAMED_OWNER_PREFIX = 'key:';

/** The label of every key without a name. */
export const UNNAMED_TENANT_LABEL = 'unnamed';

/**
 * Whether the caller may see an object owned by `owner`. Without tenants
 * (auth off) everything is visible, as before; with them, only the
 * owner's own objects are (an object stored before owners existed, or while
 * auth was off, belongs to nobody and is visible to no key).
 */
export function visibleTo(
  owner: string | undefined,
  caller: Tenant | undefined,
): boolean {
  return caller === undefined || owner === caller.id;
}
