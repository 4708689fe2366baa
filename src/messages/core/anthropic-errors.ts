import { contextOverflowMessage } from './context-overflow.js';
import type {
  AnthropicErrorBody,
  AnthropicErrorType,
} from '../../protocol/anthropic-messages.types.js';

/** Anthropic's error type for an HTTP status (https://docs.anthropic.com/en/api/errors). */
function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 400:
    case 405:
    case 415:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      return status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

/** The body of an error answered with `status`. */
function anthropicErrorBody(
  status: number,
  message: string,
): AnthropicErrorBody {
  return {
    type: 'error',
    error: { type: anthropicErrorType(status), message },
  };
}

/**
 * The error an OpenAI-shaped gateway error (`{error:{message, code}}`)
 * becomes on the Messages API. A request over the context window is worded
 * as Anthropic words it (contextOverflowMessage), which Claude Code reads
 * to compact or to lower `max_tokens`.
 */
export function anthropicErrorOf(
  status: number,
  error: { message?: unknown; code?: unknown },
): AnthropicErrorBody {
  const message =
    typeof error.message === 'string' ? error.message : 'Request failed.';
  if (error.code !== 'context_length_exceeded') {
    return anthropicErrorBody(status, message);
  }
  return anthropicErrorBody(400, contextOverflowMessage(message));
}
