import { cohereFamily } from './cohere.parser.js';
import { deepseekFamily } from './deepseek.parser.js';
import { functionGemmaFamily } from './function-gemma.parser.js';
import { gemma4Family } from './gemma4.parser.js';
import {
  functionCallTagFamily,
  pipeToolCallFamily,
  toolCodeFamily,
} from './generic-tag.parser.js';
import { glmFamily } from './glm.parser.js';
import { graniteFamily } from './granite.parser.js';
import { harmonyFamily } from './harmony.parser.js';
import { hermesJsonFamily } from './hermes-json.parser.js';
import { kimiK2Family } from './kimi-k2.parser.js';
import { lfm2Family } from './lfm2.parser.js';
import { llama3JsonFamily } from './llama3-json.parser.js';
import { miniMaxM2Family } from './minimax-m2.parser.js';
import { mistralFamily } from './mistral.parser.js';
import { olmo3Family } from './olmo3.parser.js';
import { phi4MiniFamily } from './phi4-mini.parser.js';
import { pythonicFamily } from './pythonic.parser.js';
import { qwen3CoderXmlFamily } from './qwen3-coder-xml.parser.js';
import type { ToolCallFamily, ToolCallFamilyName } from './tool-call.types.js';

/**
 * Every built-in family, in priority order: when several families share a
 * start marker (`<tool_call>`, `<|tool_call|>`), the first one whose scanner
 * accepts the block wins. The families that share a marker reject each
 * other's bodies early, so the order only matters for ties.
 */
export const ALL_TOOL_CALL_FAMILIES: readonly ToolCallFamily[] = [
  qwen3CoderXmlFamily,
  glmFamily,
  hermesJsonFamily,
  deepseekFamily,
  kimiK2Family,
  miniMaxM2Family,
  harmonyFamily,
  mistralFamily,
  phi4MiniFamily,
  pipeToolCallFamily,
  graniteFamily,
  gemma4Family,
  functionGemmaFamily,
  lfm2Family,
  olmo3Family,
  cohereFamily,
  functionCallTagFamily,
  toolCodeFamily,
  llama3JsonFamily,
  pythonicFamily,
];

/** A built-in family by name (`custom` is built from tags, not looked up). */
export function findToolCallFamily(
  name: ToolCallFamilyName,
): ToolCallFamily | undefined {
  return ALL_TOOL_CALL_FAMILIES.find((f) => f.name === name);
}
