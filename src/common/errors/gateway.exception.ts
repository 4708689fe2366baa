import { knownSecrets } from '../logging/secret-redactor.js';

/**
 * Every failure the gateway reports. `errorStatus()` maps each one to an HTTP
 * status and an OpenAI error type; the switch there is exhaustive.
 */
export type GatewayErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'upstream_error'
  | 'upstream_bad_response'
  | 'service_unavailable'
  | 'internal';

export interface GatewayExceptionOptions {
  /** The request field at fault, as OpenAI's `param`. */
  param?: string | null;
  /** OpenAI's machine-readable `code`; defaults to the gateway code. */
  openAiCode?: string | null;
  /** For `upstream_error`: the upstream's own status. */
  status?: number;
  /** For `upstream_error`: the upstream's body when it is already OpenAI-shaped. */
  upstreamBody?: OpenAiErrorBody;
  /** Sent as `retry-after`: seconds after which the same request may succeed. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** The OpenAI error body: `{"error":{"message","type","param","code"}}`. */
export interface OpenAiErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | number | null;
    [extra: string]: unknown;
  };
}

/** The single exception type thrown by domain code. */
export class GatewayException extends Error {
  readonly options: GatewayExceptionOptions;

  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    options: GatewayExceptionOptions = {},
  ) {
    // The message and the upstream body may quote an upstream or MCP server
    // that echoes its key: every known secret is redacted before a client,
    // a stored response or a log line sees them.
    super(knownSecrets.redact(message), { cause: options.cause });
    this.name = GatewayException.name;
    this.options = options.upstreamBody
      ? {
          ...options,
          upstreamBody: knownSecrets.redactJson(options.upstreamBody),
        }
      : options;
  }

  get param(): string | null {
    return this.options.param ?? null;
  }
}

/** HTTP status and OpenAI error type of each code. */
export function errorStatus(exception: GatewayException): {
  status: number;
  type: string;
} {
  const code = exception.code;
  switch (code) {
    case 'invalid_json':
    case 'invalid_request':
      return { status: 400, type: 'invalid_request_error' };
    case 'unauthorized':
      return { status: 401, type: 'authentication_error' };
    case 'forbidden':
      return { status: 403, type: 'invalid_request_error' };
    case 'not_found':
      return { status: 404, type: 'invalid_request_error' };
    case 'method_not_allowed':
      return { status: 405, type: 'invalid_request_error' };
    case 'payload_too_large':
      return { status: 413, type: 'invalid_request_error' };
    case 'unsupported_media_type':
      return { status: 415, type: 'invalid_request_error' };
    case 'upstream_unreachable':
    case 'upstream_bad_response':
      return { status: 502, type: 'upstream_error' };
    case 'service_unavailable':
      return { status: 503, type: 'server_error' };
    case 'upstream_timeout':
      return { status: 504, type: 'upstream_error' };
    case 'upstream_error':
      return {
        status: exception.options.status ?? 502,
        type:
          (exception.options.status ?? 500) < 500
            ? 'invalid_request_error'
            : 'upstream_error',
      };
    case 'internal':
      return { status: 500, type: 'server_error' };
    default: {
      const unreachable: never = code;
      throw new Error(`unmapped gateway error code ${String(unreachable)}`);
    }
  }
}

/** Renders a GatewayException as the OpenAI error body and its status. */
export function toOpenAiError(exception: GatewayException): {
  status: number;
  body: OpenAiErrorBody;
} {
  const { status, type } = errorStatus(exception);
  if (exception.options.upstreamBody) {
    return { status, body: exception.options.upstreamBody };
  }
  return {
    status,
    body: {
      error: {
        message: exception.message,
        type,
        param: exception.param,
        code:
          exception.options.openAiCode === undefined
            ? exception.code
            : exception.options.openAiCode,
      },
    },
  };
}
