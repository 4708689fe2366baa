import { isRecord } from '../../common/is-record.js';
import type {
  CreateResponseRequest,
  ResponseError,
  ResponseObject,
  ResponseOutputItem,
  ResponseReasoningConfig,
  ResponseStatus,
  ResponseTextConfig,
  ResponseTool,
  ResponseUsage,
} from '../../protocol/responses.types.js';
import { copyJsonInPlace } from './json-copy.js';
import { internedTools } from './interned-tools.js';
import { ObjectSlot } from '../../common/objects/object-slot.js';

/** What changes while a response is produced. */
export interface ResponseState {
  id: string;
  createdAt: number;
  status: ResponseStatus;
  completedAt: number | null;
  error: ResponseError | null;
  incompleteReason: 'max_output_tokens' | 'content_filter' | null;
  output: ResponseOutputItem[];
  usage: ResponseUsage | null;
}

/** The request settings a Response echoes, with the API's defaults filled in. */
export type ResponseEcho = Pick<
  ResponseObject,
  | 'background'
  | 'instructions'
  | 'max_output_tokens'
  | 'max_tool_calls'
  | 'model'
  | 'parallel_tool_calls'
  | 'previous_response_id'
  | 'conversation'
  | 'presence_penalty'
  | 'frequency_penalty'
  | 'prompt_cache_key'
  | 'reasoning'
  | 'safety_identifier'
  | 'service_tier'
  | 'store'
  | 'temperature'
  | 'text'
  | 'tool_choice'
  | 'tools'
  | 'top_logprobs'
  | 'top_p'
  | 'truncation'
  | 'user'
  | 'metadata'
>;

/** The state of a response that has just started. */
export function initialState(id: string, createdAt: number): ResponseState {
  return {
    id,
    createdAt,
    status: 'in_progress',
    completedAt: null,
    error: null,
    incompleteReason: null,
    output: [],
    usage: null,
  };
}

/**
 * The echo as a private copy: the request's objects (metadata, tools) stay
 * the caller's. The request came as JSON: copyJsonInPlace gives what a JSON
 * round trip would, sharing the strings, and keeps the echo's literal shape.
 * The tools are the interned copy of an equal list `scope` (the caller)
 * echoed before, if any (internedTools): stored in place of the list
 * copyJsonInPlace left, the echo keeps its shape.
 */
export function privateEcho(
  request: CreateResponseRequest,
  previousResponseId?: string | null,
  scope = '',
): ResponseEcho {
  const fresh = responseEcho(request, previousResponseId);
  const tools = fresh.tools;
  fresh.tools = [];
  const echo = copyJsonInPlace(fresh);
  echo.tools = internedTools(tools, scope) as ResponseTool[];
  return echo;
}

/** Builds the echo once per response (§2: defaults as in the spec examples). */
function responseEcho(
  request: CreateResponseRequest,
  previousResponseId?: string | null,
): ResponseEcho {
  const echo: ResponseEcho = {
    background: request.background === true,
    instructions: request.instructions ?? null,
    max_output_tokens: numberOrNull(request.max_output_tokens),
    max_tool_calls: numberOrNull(request.max_tool_calls),
    model: request.model,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id:
      previousResponseId ?? request.previous_response_id ?? null,
    // Not Responses request fields, but Open Responses requires them as numbers.
    presence_penalty: numberOrNull(request['presence_penalty']) ?? 0,
    frequency_penalty: numberOrNull(request['frequency_penalty']) ?? 0,
    prompt_cache_key: stringOrNull(request.prompt_cache_key),
    reasoning: echoReasoning(request.reasoning),
    safety_identifier: stringOrNull(request.safety_identifier),
    // The tier used, as OpenAI reports it; the request default `auto` runs as `default`.
    service_tier:
      request.service_tier && request.service_tier !== 'auto'
        ? request.service_tier
        : 'default',
    store: request.store ?? true,
    temperature: numberOrNull(request.temperature) ?? 1,
    text: echoText(request.text),
    tool_choice: request.tool_choice ?? 'auto',
    tools: (request.tools ?? []).map(echoTool),
    top_logprobs: numberOrNull(request.top_logprobs) ?? 0,
    top_p: numberOrNull(request.top_p) ?? 1,
    truncation: request.truncation ?? 'disabled',
    metadata: request.metadata ?? {},
  };
  // `user` is a plain string in the spec: left out rather than null.
  if (typeof request.user === 'string') {
    echo.user = request.user;
  }
  // Only when the request named one: responses without it stay as they were.
  const conversation = request.conversation;
  if (conversation !== undefined && conversation !== null) {
    echo.conversation = {
      id: typeof conversation === 'string' ? conversation : conversation.id,
    };
  }
  return echo;
}

/** Each echo's Response with placeholder state: buildResponse clones it. */
const templates = new ObjectSlot<ResponseEcho, ResponseObject>(
  'response template',
);

/**
 * The full Response object, fields in the order of the spec's examples:
 * a clone of the echo's template (one copy of its hidden class) with the
 * state written into fields it already has, not the echo spread into a
 * new literal (bench/README.md, "An echo that keeps its shape").
 */
export function buildResponse(
  echo: ResponseEcho,
  state: ResponseState,
): ResponseObject {
  const response = { ...templateOf(echo) };
  response.id = state.id;
  response.created_at = state.createdAt;
  response.status = state.status;
  response.completed_at = state.completedAt;
  response.error = state.error;
  response.incomplete_details =
    state.incompleteReason === null ? null : { reason: state.incompleteReason };
  response.output = state.output;
  response.usage = state.usage;
  return response;
}

function templateOf(echo: ResponseEcho): ResponseObject {
  let template = templates.get(echo);
  if (template === undefined) {
    const { background, ...settings } = echo;
    template = {
      id: '',
      object: 'response',
      created_at: 0,
      status: 'in_progress',
      background,
      completed_at: null,
      error: null,
      incomplete_details: null,
      ...settings,
      output: [],
      usage: null,
    };
    templates.set(echo, template);
  }
  return template;
}

/** The request's `reasoning`; a `summary` of `none` (not in OpenAI's enum) is echoed as null. */
function echoReasoning(
  reasoning: ResponseReasoningConfig | null | undefined,
): ResponseReasoningConfig {
  const echoed = { effort: null, summary: null, ...(reasoning ?? {}) };
  return echoed.summary === 'none' ? { ...echoed, summary: null } : echoed;
}

// Never `verbosity: null`: only echoed when the client gave it.
function echoText(
  text: ResponseTextConfig | null | undefined,
): ResponseTextConfig {
  const echo: ResponseTextConfig = { format: text?.format ?? { type: 'text' } };
  if (typeof text?.verbosity === 'string') {
    echo.verbosity = text.verbosity;
  }
  return echo;
}

// The specs require `strict`, `parameters` (and, for Open Responses,
// `description`) on function tools; clients often omit them, so the echo
// fills in null.
function echoTool(tool: ResponseTool): ResponseTool {
  if (!isRecord(tool)) {
    return tool;
  }
  if (tool.type === 'function') {
    return {
      ...tool,
      description: tool['description'] ?? null,
      parameters: tool['parameters'] ?? null,
      strict: tool['strict'] ?? null,
    };
  }
  // A hosted MCP tool's credentials stay out of the stored, retrievable echo.
  if (tool.type === 'mcp') {
    const { authorization: _authorization, headers, ...rest } = tool;
    return headers === undefined || headers === null
      ? rest
      : { ...rest, headers: null };
  }
  if (tool.type === 'namespace' && Array.isArray(tool['tools'])) {
    return {
      ...tool,
      tools: tool['tools'].map((inner) => echoTool(inner as ResponseTool)),
    };
  }
  return tool;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
