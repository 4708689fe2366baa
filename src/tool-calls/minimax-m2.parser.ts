import {
  defineFamily,
  delimitedBlockScanner,
  startsWithOneOf,
} from './block-scanners.js';
import { argumentsFromRawPairs } from './schema-coercion.js';
import { stripOuterNewline } from './text-scan.util.js';
import type { ParseContext, ParsedToolCall } from './tool-call.types.js';

// Attribute values may use " or ' quotes (or none).
const INVOKE =
  /<invoke\s+name\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))\s*>([\s\S]*?)<\/invoke>/g;
const PARAMETER =
  /<parameter\s+name\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))\s*>([\s\S]*?)<\/parameter>/g;

/** Attribute value of a match of INVOKE/PARAMETER (whichever quoting was used). */
function attribute(match: RegExpMatchArray): string {
  return (match[1] ?? match[2] ?? match[3] ?? '').trim();
}

/** True when everything outside the matches is whitespace. */
function onlyMatches(
  text: string,
  matches: readonly RegExpMatchArray[],
): boolean {
  let cursor = 0;
  for (const m of matches) {
    if (text.slice(cursor, m.index).trim() !== '') {
      return false;
    }
    cursor = (m.index ?? 0) + m[0].length;
  }
  return text.slice(cursor).trim() === '';
}

/** Parses one or more `<invoke name="…"><parameter name="…">V</parameter></invoke>`. */
export function parseMiniMaxBody(
  body: string,
  ctx: ParseContext,
): ParsedToolCall[] | null {
  const invokes = [...body.matchAll(INVOKE)];
  if (invokes.length === 0 || !onlyMatches(body, invokes)) {
    return null;
  }
  const calls: ParsedToolCall[] = [];
  for (const invoke of invokes) {
    const content = invoke[4] ?? '';
    const params = [...content.matchAll(PARAMETER)];
    if (!onlyMatches(content, params)) {
      return null;
    }
    const name = attribute(invoke);
    const pairs = params.map(
      (p) => [attribute(p), stripOuterNewline(p[4] ?? '')] as const,
    );
    const args = argumentsFromRawPairs(name, pairs, ctx);
    if (args === null) {
      return null;
    }
    calls.push({ name, arguments: args });
  }
  return calls;
}

/**
 * MiniMax M2: `<minimax:tool_call><invoke name="NAME"><parameter name="K">V</parameter></invoke></minimax:tool_call>`;
 * values are typed by the schema.
 */
export const miniMaxM2Family = defineFamily({
  name: 'minimax-m2',
  description:
    '<minimax:tool_call><invoke name="…"><parameter name="…">…</parameter></invoke></minimax:tool_call>',
  startMarkers: ['<minimax:tool_call>'],
  modelPattern: /minimax-?m2/i,
  createScanner: (ctx) =>
    delimitedBlockScanner(
      {
        startMarkers: ['<minimax:tool_call>'],
        endMarkers: ['</minimax:tool_call>'],
        viable: (body) => startsWithOneOf(body, ['<invoke']),
        parseBody: (body) => parseMiniMaxBody(body, ctx),
      },
      ctx,
    ),
});
