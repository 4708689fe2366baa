/**
 * The items and content parts of the OpenAI Responses API wire format: what
 * `input` carries and what `Response.output` holds. Open like every wire
 * type (see responses.types.ts).
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

/**
 * Labels an assistant message as intermediate `commentary` (before tool
 * calls) or the `final_answer`.
 */
export type MessagePhase = 'commentary' | 'final_answer';

/** The assistant message as an output item. */
export interface OutputMessageItem {
  type: 'message';
  id: string;
  role: 'assistant';
  status: ItemStatus;
  content: (OutputTextContent | RefusalContent)[];
  phase?: MessagePhase | null;
  [key: string]: unknown;
}

/** One element of `Response.output`. Every output item has an `id`. */
export type ResponseOutputItem =
  | OutputMessageItem
  | (FunctionCallItem & { id: string })
  | (CustomToolCallItem & { id: string })
  | (ReasoningItem & { id: string })
  | (OtherItem & { id: string });
