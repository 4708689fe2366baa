/**
 * The parts of the OpenAI Responses API wire format the gateway reads and
 * writes (docs/responses-api.md §2–§6). Every object is open
 * (`[key: string]: unknown`): request bodies are untrusted JSON, so the
 * mappers check each field they read instead of trusting these types.
 */

/** Message roles accepted in `input`. */
export type ResponseRole = 'user' | 'assistant' | 'system' | 'developer';

/** Item statuses (message, function_call, reasoning). */
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** `input_text` content part. */
export interface InputTextContent {
  type: 'input_text';
  text: string;
  [key: string]: unknown;
}

/** `input_image` content part: a URL, a data URL, or an uploaded file id. */
export interface InputImageContent {
  type: 'input_image';
  image_url?: string | null;
  file_id?: string | null;
  detail?: 'low' | 'high' | 'auto' | 'original' | null;
  [key: string]: unknown;
}

/** `input_file` content part. */
export interface InputFileContent {
  type: 'input_file';
  file_id?: string | null;
  filename?: string | null;
  file_data?: string | null;
  file_url?: string | null;
  [key: string]: unknown;
}

/** `output_text` content part (assistant text; annotations/logprobs required on output). */
export interface OutputTextContent {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs?: unknown[];
  [key: string]: unknown;
}

/** `refusal` content part. */
export interface RefusalContent {
  type: 'refusal';
  refusal: string;
  [key: string]: unknown;
}

/** Raw reasoning text of a `reasoning` item. */
export interface ReasoningTextContent {
  type: 'reasoning_text';
  text: string;
}

/** Summary text of a `reasoning` item. */
export interface SummaryTextContent {
  type: 'summary_text';
  text: string;
}

/** Any content part a message may carry. */
export type ResponseContentPart =
  | InputTextContent
  | InputImageContent
  | InputFileContent
  | OutputTextContent
  | RefusalContent;

/** A message item, as input (`type` optional, `id` optional) or as output. */
export interface MessageItem {
  type?: 'message';
  id?: string;
  role: ResponseRole;
  status?: ItemStatus;
  content: string | ResponseContentPart[];
  [key: string]: unknown;
}

/** A function call the model made (output item, or history sent back). */
export interface FunctionCallItem {
  type: 'function_call';
  id?: string;
  call_id: string;
  name: string;
  arguments: string;
  namespace?: string;
  status?: ItemStatus;
  [key: string]: unknown;
}

/** The client's result for a function call. */
export interface FunctionCallOutputItem {
  type: 'function_call_output';
  id?: string;
  call_id: string;
  output: string | ResponseContentPart[];
  [key: string]: unknown;
}

/** A call to a freeform (`custom`) tool. `input` is the raw text. */
export interface CustomToolCallItem {
  type: 'custom_tool_call';
  id?: string;
  call_id: string;
  name: string;
  input: string;
  namespace?: string;
  [key: string]: unknown;
}

/** The client's result for a custom tool call. */
export interface CustomToolCallOutputItem {
  type: 'custom_tool_call_output';
  id?: string;
  call_id: string;
  output: string | ResponseContentPart[];
  [key: string]: unknown;
}

/** Reasoning. Codex sends it without `id` and with `encrypted_content: null`. */
export interface ReasoningItem {
  type: 'reasoning';
  id?: string;
  summary: SummaryTextContent[];
  content?: ReasoningTextContent[];
  encrypted_content?: string | null;
  status?: ItemStatus;
  [key: string]: unknown;
}

/** A reference to an item of an earlier response (`type` may be omitted). */
export interface ItemReference {
  type?: 'item_reference' | null;
  id: string;
  [key: string]: unknown;
}

/** Any other item (`mcp_call`, `web_search_call`, …), kept open. */
export interface OtherItem {
  type: string;
  id?: string;
  [key: string]: unknown;
}

/** One element of `input`. */
export type ResponseInputItem =
  | MessageItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | CustomToolCallItem
  | CustomToolCallOutputItem
  | ReasoningItem
  | ItemReference
  | OtherItem;

/** The assistant message as an output item. */
export interface OutputMessageItem {
  type: 'message';
  id: string;
  role: 'assistant';
  status: ItemStatus;
  content: (OutputTextContent | RefusalContent)[];
  [key: string]: unknown;
}

/** One element of `Response.output`. Every output item has an `id`. */
export type ResponseOutputItem =
  | OutputMessageItem
  | (FunctionCallItem & { id: string })
  | (CustomToolCallItem & { id: string })
  | (ReasoningItem & { id: string })
  | (OtherItem & { id: string });

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
