import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { ConversationEnvironment } from './conversation.env.js';
import { LifecycleEnvironment } from './lifecycle.env.js';
import { ResponsesEnvironment } from './responses.env.js';
import { SecurityEnvironment } from './security.env.js';
import { ServerEnvironment } from './server.env.js';
import { StorageEnvironment } from './storage.env.js';
import { UpstreamEnvironment } from './upstream.env.js';
import { UpstreamsEnvironment } from './upstreams.env.js';

/** Every env group class (the same groups as readEnvironment). */
const ENV_GROUPS: readonly (new () => object)[] = [
  ServerEnvironment,
  UpstreamEnvironment,
  UpstreamsEnvironment,
  ConversationEnvironment,
  ResponsesEnvironment,
  StorageEnvironment,
  SecurityEnvironment,
  LifecycleEnvironment,
];

/** One line per setting, as the README's configuration table says it. */
const DESCRIPTIONS: Record<string, string> = {
  API_ADAPTER_HOST: 'Listen address',
  API_ADAPTER_PORT: 'Listen port',
  METRICS_PORT:
    'Serve GET /metrics on this port (same host), and no longer on the API port; unset: on the API port',
  OPENAI_BASE_URL: "The gateway's own public URL, for docs and links only",
  LOG_LEVEL: 'fatal, error, warn, info, debug, trace or silent',
  BODY_LIMIT_BYTES:
    'Largest request body (requests carry images); at most MAX_INFLIGHT_BODY_BYTES',
  MAX_INFLIGHT_BODY_BYTES:
    'Bytes of request bodies held at once, over it a 503 with retry-after; unset: 1/8 of the V8 heap limit',
  HTTP_REQUEST_TIMEOUT:
    'Seconds a client has to send a whole request (not the response); then 408',
  HTTP_HEADERS_TIMEOUT:
    'Seconds a client has to send the request headers; then 408',
  HTTP_KEEP_ALIVE_TIMEOUT:
    'Seconds an idle keep-alive connection stays open between requests',
  KEEPALIVE_INTERVAL:
    'Seconds of upstream silence before a keepalive stream event',
  FORWARD_CLIENT_AUTH:
    "Forward the client's Authorization upstream instead of OPENAI_API_KEY",
  FORWARD_CLIENT_CREDENTIALS:
    'Client credential headers a pass-through forwards (x-api-key, api-key, x-goog-api-key, x-auth-token, cookie); unset: none',
  OPENAI_BASE_URL_INTERNAL:
    'The upstream Chat Completions base URL, with its /v1',
  OPENAI_API_KEY: 'Sent upstream as a Bearer token; never logged',
  UPSTREAM_CONNECT_TIMEOUT_MS: 'Connect timeout towards the upstream',
  UPSTREAM_READ_TIMEOUT_MS:
    'Idle time allowed between two upstream bytes, and between two stream events',
  UPSTREAM_TOTAL_TIMEOUT_MS:
    'Longest one upstream call may take in all, retries included',
  UPSTREAM_MAX_EVENT_BYTES: 'Largest single event of an upstream stream',
  UPSTREAM_MAX_BODY_BYTES: 'Largest non-streamed upstream body',
  UPSTREAM_MAX_ANSWER_BYTES: 'Largest streamed upstream answer in all',
  UPSTREAMS_CONFIG_PATH: 'JSON file of named upstreams',
  TOOL_CALL_FORMAT:
    'Text tool-call parser of the default upstream: auto, none, a family, or START,END',
  DEFAULT_TOOL_CALL_TAGS:
    'How tool calls reach clients: openai, xml, llama3, qwen3, gemma, passthrough or START,END',
  UPSTREAM_MAX_RETRIES:
    'Retries of a failed connect or 429/502/503 before any byte was streamed',
  UPSTREAM_FALLBACK: 'Upstream tried once after the retries',
  MODELS_CACHE_SECONDS:
    'How long the aggregated /v1/models list is cached (0: off)',
  UPSTREAM_PROBE_INTERVAL:
    'Seconds between health probes (GET /models) of every upstream (0: no probes)',
  MCP_SERVERS_CONFIG_PATH: 'MCP servers file (mcpServers format)',
  MCP_TOOL_REFRESH_INTERVAL: 'Seconds between MCP tool-cache refreshes',
  MCP_TOOL_TIMEOUT_MS: 'Default MCP tool-call timeout',
  MCP_TOOL_NAME_PREFIX:
    'When MCP tools are offered as <server>__<tool>: always, on-conflict, never',
  MAX_CONVERSATION_HISTORY: 'Responses kept by the store',
  MCP_REMOTE_SERVERS_ALLOWED:
    'Comma-separated URL prefixes a Responses mcp tool may reach; unset: off',
  MAX_TOOL_CALL_ITERATIONS: 'Rounds of server-side tool calls per request',
  RESPONSES_EVENT_NAMING: 'Reasoning event names: openai or open-responses',
  COMPACTION_SECRET: 'Secret that seals compaction items; never logged',
  WS_MAX_PENDING_TURNS:
    'Turns a WebSocket may queue behind its running one; one more closes it (1008)',
  WS_IDLE_TIMEOUT_SECONDS:
    'Seconds a WebSocket may sit without a turn or message before it is closed (0: never)',
  REDIS_URL: 'Shared response store in Redis; unset: in memory',
  RESPONSE_TTL_SECONDS: 'Seconds a stored response lives in Redis',
  REDIS_KEY_PREFIX: 'Prefix of every Redis key',
  MEMORY_STORE_MAX_BYTES:
    'Bytes (JSON length) the in-memory response store holds; unset: an eighth of the heap limit',
  GATEWAY_API_KEYS:
    'Comma-separated keys clients send as Bearer; unset: no inbound auth',
  GATEWAY_API_KEYS_FILE: 'A file of keys, one a line; adds to GATEWAY_API_KEYS',
  CORS_ORIGINS: '* or comma-separated origins browsers may call from',
  SHUTDOWN_GRACE_SECONDS: 'Seconds in-flight requests may run on after SIGTERM',
};

/** One environment variable the gateway reads. */
export interface SettingHelp {
  name: string;
  /** The default as text; undefined when the setting is unset by default. */
  defaultValue: string | undefined;
  description: string;
}

/**
 * Every setting of the env classes, with its default (from the class
 * initialisers) and description, in group order.
 */
export function listSettings(): SettingHelp[] {
  return ENV_GROUPS.flatMap((group) => {
    const instance = new group() as Record<string, unknown>;
    const names = new Set([
      ...getMetadataStorage()
        .getTargetValidationMetadatas(group, '', true, false)
        .map((metadata) => metadata.propertyName),
      ...Object.keys(instance),
    ]);
    return [...names].map((name) => {
      const value = instance[name];
      return {
        name,
        defaultValue: textOf(value),
        description: DESCRIPTIONS[name] ?? '',
      };
    });
  });
}

/** The settings as aligned text lines, for `--help`. */
export function formatSettingsHelp(): string {
  const settings = listSettings();
  const width = Math.max(...settings.map((s) => s.name.length));
  return settings
    .map(
      (s) =>
        `  ${s.name.padEnd(width)}  ${s.description} (default: ${s.defaultValue ?? 'unset'})`,
    )
    .join('\n');
}

/** A default as text: the env classes only initialise strings, numbers and booleans. */
function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
    ? String(value)
    : undefined;
}
