import type { ReasoningTags, ToolCallFamily } from './tool-call.types.js';

/** Options of the StreamingToolCallParser. */
export interface StreamingToolCallParserOptions {
  /**
   * Most chars held while deciding whether a block is a call (default
   * 256 KiB). A block still undecided past the cap is released as text.
   */
  readonly maxBufferChars?: number;
  /**
   * The prompt template already opened the reasoning block (e.g. it ends
   * with `<think>`, or Cohere's thinking): text is reasoning until a close tag.
   */
  readonly startInReasoning?: boolean;
  /** Split out reasoning tags (default true). */
  readonly parseReasoning?: boolean;
}

/** Default of {@link StreamingToolCallParserOptions.maxBufferChars}. */
export const DEFAULT_MAX_BUFFER_CHARS = 256 * 1024;

/** Reasoning tags recognised for every family. */
export const THINK_TAGS: ReasoningTags = { open: '<think>', close: '</think>' };

/** `<think>` and the families' own reasoning tags, once each (none when not parsed). */
export function reasoningTagsOf(
  families: readonly ToolCallFamily[],
  options: StreamingToolCallParserOptions,
): ReasoningTags[] {
  if (options.parseReasoning === false) {
    return [];
  }
  return [THINK_TAGS, ...families.flatMap((f) => f.reasoningTags ?? [])].filter(
    (tag, i, all) => all.findIndex((t) => t.open === tag.open) === i,
  );
}
