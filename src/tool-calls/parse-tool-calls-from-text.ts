import { toFamilyList } from './family-detection.js';
import { collectParserEvents, type ParsedText } from './parser-events.js';
import {
  THINK_TAGS,
  type StreamingToolCallParserOptions,
} from './streaming-parser-options.js';
import { StreamingToolCallParser } from './streaming-tool-call-parser.js';
import type { ParseContext, ToolCallFamily } from './tool-call.types.js';

/**
 * True when a reasoning close tag appears before any open tag: the template
 * opened the reasoning block (DeepSeek R1 / Qwen3 `…</think>`, Cohere
 * `…<|END_THINKING|>`).
 */
export function reasoningOpenedByTemplate(
  text: string,
  families: readonly ToolCallFamily[],
): boolean {
  const tags = [THINK_TAGS, ...families.flatMap((f) => f.reasoningTags ?? [])];
  return tags.some((tag) => {
    const close = text.indexOf(tag.close);
    const open = text.indexOf(tag.open);
    return close >= 0 && (open < 0 || open > close);
  });
}

/**
 * Non-streaming helper on the same engine: the whole message in, text,
 * reasoning and calls out. Unless told otherwise, a close tag without an open
 * tag means the text before it is reasoning.
 */
export function parseToolCallsFromText(
  text: string,
  families: ToolCallFamily | readonly ToolCallFamily[],
  ctx: ParseContext,
  options: StreamingToolCallParserOptions = {},
): ParsedText {
  const list = toFamilyList(families);
  const parser = new StreamingToolCallParser(list, ctx, {
    ...options,
    startInReasoning:
      options.startInReasoning ??
      (options.parseReasoning !== false &&
        reasoningOpenedByTemplate(text, list)),
  });
  return collectParserEvents([...parser.push(text), ...parser.end()]);
}
