import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { nullUsageCut, withoutNullUsage } from './null-usage.js';
import { learningVerdict } from './verbatim-template.js';
import { jsonKey, PASS_THROUGH_NEEDS_PARSE } from './read-fields.js';
import type { UpstreamChunk } from './stream-items.js';

/**
 * An upstream chunk that a pure pass-through forwards as the JSON text it
 * came in, never parsed: a scan of the text proves that the gateway has
 * nothing to learn or to change in it (bench/README.md, "Fast paths").
 */
export class VerbatimChunk {
  constructor(
    /** The `data:` payload as the upstream sent it: one line of JSON. */
    readonly json: string,
  ) {}
}

/**
 * Consecutive upstream events that go out exactly as the upstream wrote
 * them, as their bytes: `data: {…}` lines with their blank lines, already
 * framed. Nothing decodes or re-encodes them (see VerbatimFramesRule).
 */
export class VerbatimFrames {
  constructor(
    readonly bytes: Uint8Array,
    /** How many events the bytes hold. */
    readonly count: number,
  ) {}
}

/** What a Chat Completions stream carries: verbatim chunks, and decoded ones with their text. */
export type ChatStreamItem = VerbatimChunk | VerbatimFrames | UpstreamChunk;

/**
 * Turns a `data:` payload into a stream item from its text alone, without
 * JSON.parse; undefined when the payload needs the full parse. With
 * `frames`, the reader may also take whole events from the bytes.
 */
export type ChunkShortcut<T> = ((data: string) => T | undefined) & {
  readonly frames?: VerbatimFramesRule<T>;
  readonly texts?: TextRunRule<T>;
  /**
   * Told of each payload that took the full parse, as the stream's decoder
   * decoded it (with DecodedChunk.rewritten), before it goes on: for a
   * shortcut that learns from the stream's own decoding.
   */
  readonly learnFrom?: (
    data: string,
    chunk: ChatCompletionChunk,
    rewritten: boolean,
  ) => void;
};

/**
 * For a shortcut whose items are the payload as written: which events of
 * the canonical form (`data: ` + one line + a blank line) the reader may
 * forward as their bytes, in runs, without decoding them. `verdict` sees
 * the payload's bytes read as latin1, one character per byte: every byte
 * the rules look for is ASCII, and no byte of a multi-byte UTF-8 character
 * is, so it finds what the shortcut finds in the decoded text, at the same
 * offsets in bytes (property test in sse-verbatim-splitter.spec.ts).
 */
export interface VerbatimFramesRule<T> {
  /**
   * `true`: the event goes out as written; a [start, end) range: as
   * written less those bytes of the payload; `false`: not from its bytes
   * (the shortcut reads the decoded text).
   */
  verdict(
    this: void,
    latin1Payload: string,
  ): boolean | readonly [number, number];
  item(this: void, frames: VerbatimFrames): T;
}

/**
 * For a shortcut that reads some payloads as a text alone (the text lane):
 * the reader may hand the texts of consecutive such events of one read on
 * as one item, without an item per event. `text` sees the payload of a
 * read that is all ASCII, which is its own decoding; what it returns for
 * a payload is what the shortcut would have made an item of.
 */
export interface TextRunRule<T> {
  text(this: void, payload: string): string | undefined;
  /** One item for the texts of consecutive events, in order (at least one). */
  item(this: void, texts: string[]): T;
}

/** A shortcut and where its items go (parsed chunks go elsewhere). */
export interface ShortcutRoute<T> {
  read: ChunkShortcut<T>;
  onItem: (item: T) => void;
}

const CHOICES_ARRAY = `${jsonKey('choices')}:[`;
const USAGE_KEY = jsonKey('usage');

/**
 * The shortcut of a Chat Completions pass-through: a chunk goes out verbatim
 * when it is one line of JSON object with a `choices` array and none of the
 * fields the decoder may change holds a value (see CHUNK_FIELDS: an error,
 * finish_reason, usage, tool calls). A null usage is kept when the client
 * asked for usage, as OpenAI sends `"usage":null` on every chunk then, and
 * cut from the text when it did not (withoutNullUsage); other nulls
 * (SGLang's `"tool_calls":null`) go out as the upstream wrote them.
 *
 * The text is not validated as JSON: an upstream that sends a complete
 * `data:` line of broken JSON that still looks like a chunk gets it
 * forwarded, as any proxy would. A truncated frame never reaches this
 * point, because an event only ends at its blank line.
 */
export function passThroughShortcut(keepsUsage: boolean): ((
  data: string,
) => VerbatimChunk | undefined) & {
  readonly frames: VerbatimFramesRule<VerbatimFrames>;
} {
  const read = (data: string): VerbatimChunk | undefined => {
    if (!forwardsAsWritten(data)) {
      return undefined;
    }
    if (keepsUsage || !data.includes(USAGE_KEY)) {
      return new VerbatimChunk(data);
    }
    const json = withoutNullUsage(data);
    return json === undefined ? undefined : new VerbatimChunk(json);
  };
  const frames: VerbatimFramesRule<VerbatimFrames> = {
    // One per stream: it learns the stream's envelope.
    verdict: learningVerdict((data) => {
      if (!forwardsAsWritten(data)) {
        return false;
      }
      return keepsUsage || !data.includes(USAGE_KEY)
        ? true
        : (nullUsageCut(data) ?? false);
    }),
    item: (run) => run,
  };
  return Object.assign(read, { frames });
}

/** A chunk a pass-through may forward without parsing it (its usage aside). */
function forwardsAsWritten(data: string): boolean {
  return (
    isOneLineObject(data) &&
    data.includes(CHOICES_ARRAY) &&
    !PASS_THROUGH_NEEDS_PARSE.test(data)
  );
}

/**
 * Starts with `{`, ends with `}`, and spans one `data:` line (data that
 * spanned several lines holds a newline, and must be written out as one).
 */
export function isOneLineObject(data: string): boolean {
  return (
    data.charCodeAt(0) === 0x7b /* { */ &&
    data.charCodeAt(data.length - 1) === 0x7d /* } */ &&
    !data.includes('\n')
  );
}

/** True for chunks forwarded verbatim, as text or as bytes. */
export function isVerbatim(
  item: ChatStreamItem,
): item is VerbatimChunk | VerbatimFrames {
  return item instanceof VerbatimChunk || item instanceof VerbatimFrames;
}
