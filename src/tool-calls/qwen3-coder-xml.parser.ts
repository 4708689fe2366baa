import {
  defineFamily,
  delimitedBlockScanner,
  startsWithOneOf,
} from './block-scanners.js';
import { argumentsFromRawPairs } from './schema-coercion.js';
import { stripOuterNewline } from './text-scan.util.js';
import type { ParseContext, ParsedToolCall } from './tool-call.types.js';

const FUNCTION_OPEN = /<function=([^>\n]+)>/g;
const PARAMETER_OPEN = /<parameter=([^>\n]+)>/g;

/** Text up to the first of the given tags (or the end). */
function untilAny(text: string, tags: readonly string[]): string {
  let end = text.length;
  for (const tag of tags) {
    const i = text.indexOf(tag);
    if (i >= 0 && i < end) {
      end = i;
    }
  }
  return text.slice(0, end);
}

/**
 * Parses `<function=NAME><parameter=KEY>VALUE</parameter>…</function>` (one or
 * more). A missing `</parameter>` ends at the next parameter or function end;
 * values lose one leading/trailing line break and are typed by the schema.
 */
export function parseQwenXmlFunctions(
  body: string,
  ctx: ParseContext,
): ParsedToolCall[] | null {
  const calls: ParsedToolCall[] = [];
  const starts = [...body.matchAll(FUNCTION_OPEN)];
  let cursor = 0;
  for (const [k, match] of starts.entries()) {
    if (body.slice(cursor, match.index).trim() !== '') {
      return null;
    }
    const contentStart = match.index + match[0].length;
    const next = starts[k + 1]?.index ?? body.length;
    const closeAt = body.indexOf('</function>', contentStart);
    const contentEnd = closeAt >= 0 && closeAt < next ? closeAt : next;
    cursor = closeAt >= 0 && closeAt < next ? closeAt + 11 : next;
    const content = body.slice(contentStart, contentEnd);
    const pairs: Array<readonly [string, string]> = [];
    const params = [...content.matchAll(PARAMETER_OPEN)];
    if (params.length === 0 && content.trim() !== '') {
      return null;
    }
    for (const param of params) {
      const rest = content.slice(param.index + param[0].length);
      const value = untilAny(rest, ['</parameter>', '<parameter=']);
      pairs.push([(param[1] ?? '').trim(), stripOuterNewline(value)]);
    }
    const name = (match[1] ?? '').trim();
    const args = argumentsFromRawPairs(name, pairs, ctx);
    if (args === null) {
      return null;
    }
    calls.push({ name, arguments: args });
  }
  return calls.length > 0 && body.slice(cursor).trim() === '' ? calls : null;
}

/**
 * Qwen3-Coder / Qwen3.5 / Qwen3.6 / Nemotron-3-Nano XML calls:
 * `<tool_call><function=NAME><parameter=KEY>VALUE</parameter></function></tool_call>`.
 */
export const qwen3CoderXmlFamily = defineFamily({
  name: 'qwen3-coder-xml',
  description:
    '<tool_call><function=NAME><parameter=KEY>VALUE</parameter></function></tool_call>',
  startMarkers: ['<tool_call>'],
  modelPattern: /qwen3(\.\d+)?-?coder|qwen3\.[5-9]|nemotron-?3-?nano/i,
  createScanner: (ctx) =>
    delimitedBlockScanner(
      {
        startMarkers: ['<tool_call>'],
        endMarkers: ['</tool_call>'],
        viable: (body) => startsWithOneOf(body, ['<function=']),
        parseBody: (body) => parseQwenXmlFunctions(body, ctx),
      },
      ctx,
    ),
});
