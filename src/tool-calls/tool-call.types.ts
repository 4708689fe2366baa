/**
 * Shared contracts of the text tool-call parsers.
 *
 * A "family" describes one model family's tool-call syntax as data (its
 * markers, the model names it belongs to) plus pure functions (parse a whole
 * block, or create a scanner that reads a growing block for the streaming
 * engine).
 */

/** A JSON Schema object, as declared in a request's `tools[].function.parameters`. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** One tool call recovered from the text. */
export interface ParsedToolCall {
  readonly name: string;
  /** The arguments as JSON object text. */
  readonly arguments: string;
}

/** What the parsers know about the request. */
export interface ParseContext {
  /**
   * Declared tool names mapped to their parameters schema. Only these names
   * are accepted as calls; when the map is empty nothing is a call.
   */
  readonly tools: ReadonlyMap<string, JsonSchema | undefined>;
}

/** Every family the gateway knows, usable as the `format` setting. */
export const TOOL_CALL_FAMILY_NAMES = [
  'qwen3-coder-xml',
  'glm',
  'hermes-json',
  'deepseek',
  'kimi-k2',
  'minimax-m2',
  'harmony',
  'mistral',
  'phi4-mini',
  'pipe-tool-call',
  'granite',
  'gemma4',
  'function-gemma',
  'lfm2',
  'olmo3',
  'cohere',
  'function-call-tag',
  'tool-code',
  'llama3-json',
  'pythonic',
  'custom',
] as const;

/** Name of a tool-call family (exhaustive). */
export type ToolCallFamilyName = (typeof TOOL_CALL_FAMILY_NAMES)[number];

/** A pair of tags that enclose reasoning text. */
export interface ReasoningTags {
  readonly open: string;
  readonly close: string;
}

/**
 * What a scanner reports while reading a block, in order. Arguments deltas
 * and the end belong to the latest `call_start`.
 */
export type BlockEvent =
  | { readonly kind: 'text' | 'reasoning'; readonly text: string }
  | { readonly kind: 'call_start'; readonly name: string }
  | { readonly kind: 'call_arguments'; readonly delta: string }
  | { readonly kind: 'call_end' };

/** Result of feeding a piece of a block to its scanner. */
export type BlockScan =
  /** Not a block of this family; no event may have been reported before. */
  | { readonly status: 'invalid' }
  /**
   * Still going. `events` are new since the last feed; `consumed` = how many
   * chars from the block start are fully represented by reported events.
   */
  | {
      readonly status: 'open';
      readonly events: readonly BlockEvent[];
      readonly consumed: number;
    }
  /** The block ends after its first `length` chars (counted from the block start). */
  | {
      readonly status: 'closed';
      readonly length: number;
      readonly events: readonly BlockEvent[];
    };

/**
 * Reads one block as it arrives, piece by piece: the first piece starts with
 * the start marker, later pieces continue it. Scanners keep only the state
 * they need, so a block costs time linear in its length. With `atEnd` the
 * message is over and the answer must be 'closed' or 'invalid'. After
 * 'closed' or 'invalid' the scanner is not fed again.
 */
export interface BlockScanner {
  feed(text: string, atEnd: boolean): BlockScan;
}

/** One model family's tool-call syntax. */
export interface ToolCallFamily {
  readonly name: ToolCallFamilyName;
  /** Short human description (shown in errors and docs). */
  readonly description: string;
  /** Text that opens a tool-call block anywhere in the message. */
  readonly startMarkers: readonly string[];
  /**
   * Text that opens a block only at the very start of the message (after
   * whitespace), e.g. a bare `{` or `[`; the marker is part of the block.
   */
  readonly leadingMarkers?: readonly string[];
  /** Model-name match used by `auto` selection. */
  readonly modelPattern?: RegExp;
  /** The family's own reasoning tags (in addition to `<think>`). */
  readonly reasoningTags?: readonly ReasoningTags[];
  /** Blocks also carry reasoning/answer text, so scan them even without tools. */
  readonly activeWithoutTools?: boolean;
  /**
   * Given the text of one complete block (from start marker to end marker or
   * end of message), return the calls, or null if it is not a valid call.
   */
  parseBlock(block: string, ctx: ParseContext): ParsedToolCall[] | null;
  /** A fresh scanner for one block, used by the streaming engine. */
  createScanner(ctx: ParseContext): BlockScanner;
}
