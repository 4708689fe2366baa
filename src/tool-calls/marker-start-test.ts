import { THINK_TAGS } from './streaming-parser-options.js';
import type { TextToolCallParsing } from './text-tool-call-parsing.js';
import type { ToolCallFamily } from './tool-call.types.js';

/**
 * markerStartTest's test of each frozen family list (resolveToolCallFamilies
 * gives a model the same one): a choice of every stream with tools
 * declared asks for one, and building its pattern anew each time was ~1%
 * of an agent-shaped stream's CPU.
 */
const tests = new WeakMap<
  readonly ToolCallFamily[],
  (text: string) => boolean
>();

/**
 * A test for "could `text` change the parser's state after plain prose":
 * true when it holds the first character of any start marker, leading
 * marker or reasoning open tag. Text without one is emitted as it is.
 */
export function markerStartTest(
  parsing: TextToolCallParsing,
): (text: string) => boolean {
  if (!Object.isFrozen(parsing.families)) {
    // A list built for one call: see parserMarkersOf.
    return newMarkerStartTest(parsing.families);
  }
  let test = tests.get(parsing.families);
  if (test === undefined) {
    test = newMarkerStartTest(parsing.families);
    tests.set(parsing.families, test);
  }
  return test;
}

function newMarkerStartTest(
  families: readonly ToolCallFamily[],
): (text: string) => boolean {
  const markers = families.flatMap((f) => [
    ...f.startMarkers,
    ...(f.leadingMarkers ?? []),
    ...(f.reasoningTags ?? []).map((t) => t.open),
  ]);
  const starts = [
    ...new Set([...markers, THINK_TAGS.open].map((m) => m.charAt(0))),
  ];
  // One character class: a regex scan is the cheapest per-delta check.
  const pattern = new RegExp(
    `[${starts.map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('')}]`,
    'u',
  );
  return (text) => pattern.test(text);
}
