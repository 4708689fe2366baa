import {
  defineFamily,
  delimitedBlockScanner,
  type Viability,
} from './block-scanners.js';
import { argumentsFromRawPairs } from './schema-coercion.js';
import type { ParseContext, ParsedToolCall } from './tool-call.types.js';

const NAME = /^[^\s<>]+/;
const PAIR =
  /<arg_key>([\s\S]*?)<\/arg_key>\s*<arg_value>([\s\S]*?)<\/arg_value>/g;

/** The name right after `<tool_call>` must be (a prefix of) a declared tool, then a tag or line break. */
function glmVerdict(body: string, ctx: ParseContext): Viability {
  const text = body.trimStart();
  const match = NAME.exec(text);
  if (match === null) {
    return text === '' ? 'maybe' : 'no';
  }
  const name = match[0];
  if (name.length === text.length) {
    return [...ctx.tools.keys()].some((t) => t.startsWith(name))
      ? 'maybe'
      : 'no';
  }
  if (!ctx.tools.has(name)) {
    return 'no';
  }
  const rest = text.slice(name.length).trimStart();
  if (rest === '') {
    return 'maybe';
  }
  return rest.startsWith('<') ? 'yes' : 'no';
}

/** Parses `NAME<arg_key>K</arg_key><arg_value>V</arg_value>…` (newlines optional). */
export function parseGlmBody(
  body: string,
  ctx: ParseContext,
): ParsedToolCall[] | null {
  const text = body.trim();
  const name = NAME.exec(text)?.[0];
  if (name === undefined) {
    return null;
  }
  const rest = text.slice(name.length);
  const pairs: Array<readonly [string, string]> = [];
  // Everything but the key/value pairs must be whitespace.
  let cursor = 0;
  for (const match of rest.matchAll(PAIR)) {
    if (rest.slice(cursor, match.index).trim() !== '') {
      return null;
    }
    pairs.push([(match[1] ?? '').trim(), match[2] ?? '']);
    cursor = match.index + match[0].length;
  }
  if (rest.slice(cursor).trim() !== '') {
    return null;
  }
  const args = argumentsFromRawPairs(name, pairs, ctx);
  return args === null ? null : [{ name, arguments: args }];
}

/**
 * GLM-4.5 / 4.6 / 4.7 (and the GLM-like Laguna / Poolside format):
 * `<tool_call>NAME<arg_key>K</arg_key><arg_value>V</arg_value></tool_call>`,
 * one call per block, newlines optional (4.7 omits them).
 */
export const glmFamily = defineFamily({
  name: 'glm',
  description:
    '<tool_call>NAME<arg_key>K</arg_key><arg_value>V</arg_value></tool_call>',
  startMarkers: ['<tool_call>'],
  modelPattern: /glm-?4\.[5-9]|glm-?[5-9]|laguna|poolside/i,
  createScanner: (ctx) =>
    delimitedBlockScanner(
      {
        startMarkers: ['<tool_call>'],
        endMarkers: ['</tool_call>'],
        viable: glmVerdict,
        parseBody: (body) => parseGlmBody(body, ctx),
      },
      ctx,
    ),
});
