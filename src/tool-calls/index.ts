/**
 * What the layers above use of the text tool-call parsers: picking the
 * families, parsing a stream or a completion, and reading a tagged history.
 */
export type { ToolCallFamily } from './tool-call.types.js';
export { resolveToolCallFamilies } from './tool-call-format.js';
export { createCustomFamily } from './generic-tag.parser.js';
export { parseToolCallsFromText } from './parse-tool-calls-from-text.js';
export {
  newToolCallId,
  parseContextOf,
  type TextToolCallParsing,
} from './text-tool-call-parsing.js';
export { textToolCalls } from './text-tool-calls.operator.js';
export { textToolCallsInCompletion } from './text-tool-calls.completion.js';
export { type ThinkSegment, ThinkTagSplitter } from './think-tag-splitter.js';
