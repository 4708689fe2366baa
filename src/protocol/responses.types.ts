/**
 * The parts of the OpenAI Responses API wire format the gateway reads and
 * writes (docs/responses-api.md §2–§6). Every object is open
 * (`[key: string]: unknown`). Request bodies are untrusted JSON: their
 * DTOs (src/responses/dto) check every field the gateway reads before the
 * mappers trust these types.
 */

import type {
  ResponseInputItem,
  ResponseOutputItem,
} from './response-items.types.js';

// The items have a file of their own; they stay importable from here.
export type * from './response-items.types.js';

/** A tool as declared in the request (`function`, `custom`, `namespace`, hosted tools). */
export interface ResponseTool {
  type: string;
  name?: string;
  [key: string]: unknown;
}

/** `text.format`. */
export interface ResponseTextFormat {
  type: 'text' | 'json_object' | 'json_schema' | (string & {});
  name?: string;
  schema?: Record<string, unknown>;
  description?: string | null;
  strict?: boolean | null;
  [key: string]: unknown;
}

/** `text` request/response setting. */
export interface ResponseTextConfig {
  format?: ResponseTextFormat;
  verbosity?: 'low' | 'medium' | 'high' | null;
  [key: string]: unknown;
}

/** `reasoning` request/response setting. */
export interface ResponseReasoningConfig {
  effort?: string | null;
  summary?: string | null;
  [key: string]: unknown;
}

/** `tool_choice` in every form (§5). */
export type ResponseToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | {
      type: string;
      name?: string;
      mode?: string;
      tools?: unknown[];
      [key: string]: unknown;
    };

/** The body of `POST /v1/responses` (§6). */
export interface CreateResponseRequest {
  model: string;
  input?: string | ResponseInputItem[];
  instructions?: string | ResponseInputItem[] | null;
  tools?: ResponseTool[] | null;
  tool_choice?: ResponseToolChoice | null;
  parallel_tool_calls?: boolean | null;
  text?: ResponseTextConfig | null;
  reasoning?: ResponseReasoningConfig | null;
  max_output_tokens?: number | null;
  max_tool_calls?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  top_logprobs?: number | null;
  user?: string | null;
  safety_identifier?: string | null;
  metadata?: Record<string, string> | null;
  prompt_cache_key?: string | null;
  service_tier?: string | null;
  truncation?: 'auto' | 'disabled' | null;
  store?: boolean | null;
  stream?: boolean | null;
  stream_options?: Record<string, unknown> | null;
  previous_response_id?: string | null;
  /** A conversation's id, or `{id}`: its items are the context, the turn is appended to it. */
  conversation?: string | { id: string } | null;
  include?: string[] | null;
  background?: boolean | null;
  [key: string]: unknown;
}

/** `Response.usage`; both details objects are always present (§8). */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** Response-level statuses. */
export type ResponseStatus =
  | 'in_progress'
  | 'completed'
  | 'incomplete'
  | 'failed'
  | 'cancelled'
  | 'queued';

/** `Response.error`. */
export interface ResponseError {
  code: string;
  message: string;
}

/** The Response object (§2). */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  completed_at: number | null;
  error: ResponseError | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | ResponseInputItem[] | null;
  max_output_tokens: number | null;
  max_tool_calls: number | null;
  model: string;
  output: ResponseOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  /** The conversation the turn was added to; only present when the request named one. */
  conversation?: { id: string } | null;
  reasoning: ResponseReasoningConfig | null;
  store: boolean;
  temperature: number | null;
  text: ResponseTextConfig;
  tool_choice: ResponseToolChoice;
  tools: ResponseTool[];
  top_p: number | null;
  top_logprobs: number;
  presence_penalty: number;
  frequency_penalty: number;
  truncation: 'auto' | 'disabled';
  usage: ResponseUsage | null;
  /** Deprecated; a plain string in the spec, so it is left out when not given. */
  user?: string;
  metadata: Record<string, string>;
  service_tier: string;
  prompt_cache_key: string | null;
  safety_identifier: string | null;
  background: boolean;
  [key: string]: unknown;
}

/** One Responses stream event; `sequence_number` counts from 0 on `response.created`. */
export interface ResponseStreamEvent {
  type: string;
  sequence_number: number;
  [key: string]: unknown;
}
