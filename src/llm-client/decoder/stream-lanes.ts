import { identity, map, type OperatorFunction } from 'rxjs';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import type { TextDelta, TextRun, UpstreamChunk } from './stream-items.js';
import { textRuns } from './text-runs.js';
import { textChunkShortcut, textDeltaShortcut } from './text-chunk-shortcut.js';
import {
  type ChatStreamItem,
  type ChunkShortcut,
  passThroughShortcut,
  type VerbatimChunk,
  type VerbatimFrames,
} from './verbatim-chunk.js';

/**
 * How one consumer reads an upstream stream: the fast paths in one place.
 * The upstream call runs `shortcut` on each payload before any parse (a
 * payload it turns into an item is never parsed) and emits every other
 * chunk decoded, as an UpstreamChunk; `operator` turns both into what the
 * consumer takes. Which lanes exist, and why, is in bench/README.md
 * ("Fast paths").
 */
export interface StreamLane<R, T> {
  /** The shortcut of one stream: a new one per call, as it may learn the stream's envelope. */
  shortcut(): ChunkShortcut<R>;
  /** What the consumer receives, from the decoded chunks and the shortcut's items. */
  readonly operator: OperatorFunction<UpstreamChunk | R, T>;
}

/** Decoded chunks; text chunks are read through the learned envelope, not parsed. */
export const chunkLane: StreamLane<UpstreamChunk, ChatCompletionChunk> = {
  shortcut: () => textChunkShortcut(),
  operator: map((pair) => pair.chunk),
};

/**
 * Decoded chunks with their upstream text, for a writer: a parsed chunk the
 * decoder did not rewrite carries it, one read through the envelope does not.
 */
export const upstreamChunkLane: StreamLane<UpstreamChunk, UpstreamChunk> = {
  shortcut: () => textChunkShortcut(),
  operator: identity,
};

/**
 * The text lane: a plain text chunk arrives as a TextDelta, the plain text
 * chunks of one upstream read as a TextRun (made by the reader for a read
 * of ASCII, see TextRunRule, else by textRuns), every other chunk decoded.
 * For a consumer that reads nothing but the text of a plain text chunk
 * (the Responses event machine on one model round).
 */
export const textLane: StreamLane<
  TextDelta | TextRun | UpstreamChunk,
  TextDelta | TextRun | ChatCompletionChunk
> = {
  shortcut: textDeltaShortcut,
  operator: textRuns(),
};

/**
 * A Chat Completions pass-through: most chunks go out verbatim, never
 * parsed (passThroughShortcut), most of those as the bytes they came in
 * (VerbatimFrames); the rest decoded, with their upstream text.
 */
export function passThroughLane(
  keepsUsage: boolean,
): StreamLane<VerbatimChunk | VerbatimFrames, ChatStreamItem> {
  return {
    shortcut: () => passThroughShortcut(keepsUsage),
    operator: identity,
  };
}
