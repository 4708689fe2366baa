/**
 * The parts of the Anthropic Messages wire format the gateway reads and
 * writes (https://docs.anthropic.com/en/api/messages). Request objects are
 * open: fields the gateway does not know are accepted and ignored, as a
 * client such as Claude Code sends many (`cache_control`, `caller`,
 * `context_management`, …).
 */

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
  [key: string]: unknown;
}

export interface AnthropicImageBlock {
  type: 'image';
  source:
    | { type: 'base64'; media_type: string; data: string }
    | { type: 'url'; url: string };
  [key: string]: unknown;
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
  [key: string]: unknown;
}

export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  /** Text and images; other blocks (`tool_reference`, `document`, …) are ignored with a log line. */
  content?: string | AnthropicInputBlock[];
  is_error?: boolean;
  [key: string]: unknown;
}

export interface AnthropicThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
  [key: string]: unknown;
}

export interface AnthropicRedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
  [key: string]: unknown;
}

/** A block of a request message; other types are ignored with a log line. */
export type AnthropicInputBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock
  | { type: string; [key: string]: unknown };

export interface AnthropicInputMessage {
  /** `system` is Claude Code's: folded into the system prompt. */
  role: 'user' | 'assistant' | 'system';
  content: string | AnthropicInputBlock[];
  [key: string]: unknown;
}

export interface AnthropicCustomTool {
  type?: 'custom';
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  [key: string]: unknown;
}

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export type AnthropicThinkingConfig = (
  | { type: 'enabled'; budget_tokens: number }
  | { type: 'disabled' }
  | { type: 'adaptive' }
  | { type: 'between_tools' }
) & {
  /** `summarized`, or `omitted`: the client wants no thinking text back (Claude Code). */
  display?: string | null;
};

export interface AnthropicMessagesRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicInputMessage[];
  system?: string | AnthropicTextBlock[];
  /** Custom tools; server tools (`type` like `web_search_20250305`) are dropped. */
  tools?: (AnthropicCustomTool | { type: string; name: string })[];
  tool_choice?: AnthropicToolChoice;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  thinking?: AnthropicThinkingConfig;
  /** Claude Code's effort setting (`low` | `medium` | `high` | `max`). */
  output_config?: { effort?: string; [key: string]: unknown };
  metadata?: { user_id?: string | null; [key: string]: unknown };
  stream?: boolean;
  [key: string]: unknown;
}

/** A block of the gateway's answer. */
export type AnthropicOutputBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | {
      type: 'tool_use';
      id: string;
      name: string;
      input: Record<string, unknown>;
    };

export type AnthropicStopReason =
  'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicOutputBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

/** The content block deltas of a stream. */
export type AnthropicBlockDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string };

/** Every event of a Messages stream; each is written as `event: <type>`. */
export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessage }
  | {
      type: 'content_block_start';
      index: number;
      content_block: AnthropicOutputBlock;
    }
  | { type: 'content_block_delta'; index: number; delta: AnthropicBlockDelta }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: {
        stop_reason: AnthropicStopReason | null;
        stop_sequence: string | null;
      };
      usage: AnthropicUsage;
    }
  | { type: 'message_stop' }
  | { type: 'ping' };

/** Anthropic's error types, each with its HTTP status. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

/** The error body, also the `error` event of a stream that fails midway. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
}
