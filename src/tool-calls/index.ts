export type {
  BlockScan,
  BlockScanner,
  BlockEvent,
  JsonSchema,
  ParseContext,
  ParsedToolCall,
  ReasoningTags,
  ToolCallFamily,
  ToolCallFamilyName,
} from './tool-call.types.js';
export { TOOL_CALL_FAMILY_NAMES } from './tool-call.types.js';
export {
  ALL_TOOL_CALL_FAMILIES,
  findToolCallFamily,
} from './tool-call-families.js';
export { resolveToolCallFamilies } from './tool-call-format.js';
export { createCustomFamily } from './generic-tag.parser.js';
export { coerceBySchema } from './schema-coercion.js';
export { detectFamilies } from './family-detection.js';
export {
  collectParserEvents,
  type ParsedText,
  type ParserEvent,
} from './parser-events.js';
export {
  parseToolCallsFromText,
  reasoningOpenedByTemplate,
} from './parse-tool-calls-from-text.js';
export {
  DEFAULT_MAX_BUFFER_CHARS,
  StreamingToolCallParser,
  THINK_TAGS,
  type StreamingToolCallParserOptions,
} from './streaming-tool-call-parser.js';
export {
  finishWithCalls,
  newToolCallId,
  parseContextOf,
  type TextToolCallParsing,
} from './text-tool-call-parsing.js';
export { textToolCalls } from './text-tool-calls.operator.js';
export { textToolCallsInCompletion } from './text-tool-calls.completion.js';
