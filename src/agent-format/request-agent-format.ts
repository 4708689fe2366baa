import { GatewayException } from '../common/errors/gateway.exception.js';
import {
  AGENT_FORMAT_NAMES,
  type AgentFormat,
  parseAgentFormat,
} from '../config/agent-format-setting.js';
import { TOOL_CALL_FORMAT_HEADER } from '../protocol/gateway-headers.js';

/** The request body field that picks the format; never sent upstream. */
const AGENT_FORMAT_FIELD = 'agent_format';

/**
 * The format of one request: the body's `agent_format`, else the
 * `x-tool-call-format` header, else the gateway default
 * (`DEFAULT_TOOL_CALL_TAGS`).
 *
 * @throws GatewayException `invalid_request` for a value it does not accept.
 */
export function requestAgentFormat(
  bodyValue: unknown,
  headerValue: string | undefined,
  fallback: AgentFormat,
): AgentFormat {
  if (bodyValue !== undefined && bodyValue !== null) {
    return parsedOrThrow(bodyValue, AGENT_FORMAT_FIELD);
  }
  if (headerValue !== undefined && headerValue.trim() !== '') {
    return parsedOrThrow(headerValue, TOOL_CALL_FORMAT_HEADER);
  }
  return fallback;
}

/** The body without `agent_format`: the upstream never sees it. */
export function withoutAgentFormat<T extends object>(body: T): T {
  if (!(AGENT_FORMAT_FIELD in body)) {
    return body;
  }
  const { [AGENT_FORMAT_FIELD]: _format, ...rest } = body as Record<
    string,
    unknown
  >;
  return rest as T;
}

function parsedOrThrow(value: unknown, param: string): AgentFormat {
  const format =
    typeof value === 'string' ? parseAgentFormat(value) : undefined;
  if (format === undefined) {
    throw new GatewayException(
      'invalid_request',
      `Invalid ${param}: use ${AGENT_FORMAT_NAMES.join(', ')} or "START,END".`,
      { param, openAiCode: 'invalid_value' },
    );
  }
  return format;
}

/** The request's `x-tool-call-format` header, as passed from a controller. */
export interface ToolCallFormatOption {
  toolCallFormat?: string;
}
