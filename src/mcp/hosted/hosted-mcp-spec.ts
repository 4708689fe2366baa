import { isRecord } from '../../common/is-record.js';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { MCP_NAME_SEPARATOR } from '../../config/mcp-servers/mcp-names.js';
import { isAllowedServerUrl } from './hosted-mcp-url.js';

/** Selects tools by name and/or by the server's readOnlyHint. */
export interface HostedToolFilter {
  toolNames?: string[];
  readOnly?: boolean;
}

/** `require_approval`: the default (`always`) asks before every call. */
export type HostedApprovalPolicy =
  'always' | 'never' | { always?: HostedToolFilter; never?: HostedToolFilter };

/** One hosted `{"type":"mcp"}` tool of a Responses request, validated. */
export interface HostedMcpSpec {
  /** Position in the request's `tools`, for error params. */
  index: number;
  serverLabel: string;
  serverUrl: string;
  /** Sent with every request to the server; includes `authorization`. Secret. */
  headers: Record<string, string>;
  allowedTools?: HostedToolFilter;
  requireApproval: HostedApprovalPolicy;
}

/** What a filter looks at. */
export interface FilterableTool {
  name: string;
  annotations?: Record<string, unknown>;
}

/** Whether a Responses `tools` entry is a hosted MCP tool. */
export function isHostedMcpTool(tool: unknown): boolean {
  return isRecord(tool) && tool['type'] === 'mcp';
}

/** Whether a Responses request's `tools` declare any hosted MCP tool. */
export function declaresHostedMcpTools(tools: unknown): boolean {
  return Array.isArray(tools) && tools.some(isHostedMcpTool);
}

/**
 * The hosted MCP tools of a Responses request's `tools`, validated. Letting
 * a caller make the gateway open connections is off unless the URL starts
 * with one of `allowedPrefixes` (MCP_REMOTE_SERVERS_ALLOWED); anything else
 * is a 400 naming `tools[i].server_url`.
 * @throws GatewayException invalid_request with the precise `param`.
 */
export function hostedMcpSpecs(
  tools: unknown,
  allowedPrefixes: readonly string[],
): HostedMcpSpec[] {
  if (!Array.isArray(tools)) {
    return [];
  }
  const specs: HostedMcpSpec[] = [];
  tools.forEach((tool: unknown, index) => {
    if (isHostedMcpTool(tool)) {
      specs.push(
        parseSpec(tool as Record<string, unknown>, index, allowedPrefixes),
      );
    }
  });
  const labels = new Set<string>();
  for (const spec of specs) {
    if (labels.has(spec.serverLabel)) {
      throw invalid(
        `tools[${spec.index}].server_label`,
        `Duplicate MCP server_label '${spec.serverLabel}'.`,
      );
    }
    labels.add(spec.serverLabel);
  }
  return specs;
}

/** Whether a filter selects the tool (a filter without criteria selects none). */
function filterSelects(
  filter: HostedToolFilter | undefined,
  tool: FilterableTool,
): boolean {
  if (
    filter === undefined ||
    (filter.toolNames === undefined && filter.readOnly !== true)
  ) {
    return false;
  }
  const byName =
    filter.toolNames === undefined || filter.toolNames.includes(tool.name);
  const byHint =
    filter.readOnly !== true || tool.annotations?.['readOnlyHint'] === true;
  return byName && byHint;
}

/** Whether the request lets the model call this tool at all. */
export function isToolAllowed(
  spec: HostedMcpSpec,
  tool: FilterableTool,
): boolean {
  return (
    spec.allowedTools === undefined || filterSelects(spec.allowedTools, tool)
  );
}

/**
 * Whether a call of this tool waits for the user's approval. `always` and
 * `never` lists decide the tools they select; the others need approval,
 * unless only an `always` list was given.
 */
export function needsApproval(
  policy: HostedApprovalPolicy,
  tool: FilterableTool,
): boolean {
  if (typeof policy === 'string') {
    return policy === 'always';
  }
  if (filterSelects(policy.always, tool)) {
    return true;
  }
  if (filterSelects(policy.never, tool)) {
    return false;
  }
  return !(policy.always !== undefined && policy.never === undefined);
}

function parseSpec(
  tool: Record<string, unknown>,
  index: number,
  allowedPrefixes: readonly string[],
): HostedMcpSpec {
  const param = `tools[${index}]`;
  const serverLabel = tool['server_label'];
  if (
    typeof serverLabel !== 'string' ||
    !/^[A-Za-z0-9_-]+$/.test(serverLabel) ||
    serverLabel.includes(MCP_NAME_SEPARATOR)
  ) {
    throw invalid(
      `${param}.server_label`,
      `Invalid '${param}.server_label': expected letters, digits, '-' or '_', without '${MCP_NAME_SEPARATOR}'.`,
    );
  }
  const serverUrl = tool['server_url'];
  if (typeof serverUrl !== 'string' || serverUrl === '') {
    throw invalid(
      `${param}.server_url`,
      `Missing '${param}.server_url': this gateway connects to MCP servers by URL only.`,
    );
  }
  if (!isAllowedServerUrl(serverUrl, allowedPrefixes)) {
    throw invalid(
      `${param}.server_url`,
      `The MCP server URL is not allowed by this gateway; its operator lists the allowed ones in MCP_REMOTE_SERVERS_ALLOWED.`,
    );
  }
  const allowedTools = parseFilter(
    tool['allowed_tools'],
    `${param}.allowed_tools`,
  );
  return {
    index,
    serverLabel,
    serverUrl,
    headers: parseHeaders(tool, param),
    ...(allowedTools === undefined ? {} : { allowedTools }),
    requireApproval: parsePolicy(
      tool['require_approval'],
      `${param}.require_approval`,
    ),
  };
}

function parseHeaders(
  tool: Record<string, unknown>,
  param: string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const given = tool['headers'];
  if (given !== undefined && given !== null) {
    if (
      !isRecord(given) ||
      Object.values(given).some((value) => typeof value !== 'string')
    ) {
      throw invalid(
        `${param}.headers`,
        `Invalid '${param}.headers': expected an object of strings.`,
      );
    }
    Object.assign(headers, given);
  }
  const authorization = tool['authorization'];
  if (typeof authorization === 'string' && authorization !== '') {
    headers['authorization'] = `Bearer ${authorization}`;
  }
  return headers;
}

function parseFilter(
  value: unknown,
  param: string,
): HostedToolFilter | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (isStringArray(value)) {
    return { toolNames: value };
  }
  if (!isRecord(value)) {
    throw invalid(
      param,
      `Invalid '${param}': expected a list of tool names or {tool_names, read_only}.`,
    );
  }
  const names = value['tool_names'];
  const readOnly = value['read_only'];
  if (
    (names !== undefined && names !== null && !isStringArray(names)) ||
    (readOnly !== undefined &&
      readOnly !== null &&
      typeof readOnly !== 'boolean')
  ) {
    throw invalid(
      param,
      `Invalid '${param}': tool_names must be strings and read_only a boolean.`,
    );
  }
  return {
    ...(isStringArray(names) ? { toolNames: names } : {}),
    ...(readOnly === true ? { readOnly } : {}),
  };
}

function parsePolicy(value: unknown, param: string): HostedApprovalPolicy {
  if (value === undefined || value === null || value === 'always') {
    return 'always';
  }
  if (value === 'never') {
    return 'never';
  }
  if (!isRecord(value)) {
    throw invalid(
      param,
      `Invalid '${param}': expected 'always', 'never' or {always, never}.`,
    );
  }
  const always = parseFilter(value['always'], `${param}.always`);
  const never = parseFilter(value['never'], `${param}.never`);
  return {
    ...(always === undefined ? {} : { always }),
    ...(never === undefined ? {} : { never }),
  };
}

function invalid(param: string, message: string): GatewayException {
  return new GatewayException('invalid_request', message, { param });
}

function isStringArray(value: unknown): value is string[] {
  return (
    Array.isArray(value) && value.every((entry) => typeof entry === 'string')
  );
}
