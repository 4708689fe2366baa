import { toFamilyList } from './family-detection.js';
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
function reasoningTagsOf(
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

/** What a parser looks for, worked out from its families and options. */
export interface ParserMarkers {
  /** The families that can match: all of them with tools declared, else those active without. */
  readonly families: readonly ToolCallFamily[];
  readonly reasoningTags: readonly ReasoningTags[];
  readonly reasoningOpens: readonly string[];
  readonly reasoningCloses: readonly string[];
  readonly toolMarkers: readonly string[];
  readonly leadingToolMarkers: readonly string[];
}

/**
 * The markers of a parser of `families`, remembered per frozen list (the
 * same one comes back for a model: resolveToolCallFamilies), as every
 * stream of a model with tools declared builds a parser: worked out anew
 * each time, they were ~3% of an agent-shaped stream's CPU.
 */
export function parserMarkersOf(
  families: ToolCallFamily | readonly ToolCallFamily[],
  withTools: boolean,
  options: StreamingToolCallParserOptions,
): ParserMarkers {
  if (!Array.isArray(families) || !Object.isFrozen(families)) {
    // Not a resolved list (a family of its own, a list built for one
    // call): an entry keyed by a short-lived object would outlast it in
    // Node 20's young GC (see ObjectSlot).
    return markersOf(toFamilyList(families), withTools, options);
  }
  const variant =
    (withTools ? 1 : 0) + (options.parseReasoning === false ? 0 : 2);
  let variants = remembered.get(families);
  if (variants === undefined) {
    variants = [];
    remembered.set(families, variants);
  }
  let markers = variants[variant];
  if (markers === undefined) {
    markers = markersOf(toFamilyList(families), withTools, options);
    variants[variant] = markers;
  }
  return markers;
}

const remembered = new WeakMap<object, (ParserMarkers | undefined)[]>();

function markersOf(
  list: readonly ToolCallFamily[],
  withTools: boolean,
  options: StreamingToolCallParserOptions,
): ParserMarkers {
  const families = list.filter(
    (f) => withTools || f.activeWithoutTools === true,
  );
  const reasoningTags = reasoningTagsOf(list, options);
  return Object.freeze({
    families,
    reasoningTags,
    reasoningOpens: reasoningTags.map((t) => t.open),
    reasoningCloses: unique(reasoningTags.map((t) => t.close)),
    toolMarkers: unique(families.flatMap((f) => f.startMarkers)),
    leadingToolMarkers: unique(families.flatMap((f) => f.leadingMarkers ?? [])),
  });
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
