import type { ChatCompletionChunk } from './chat-completion.types.js';

/**
 * An upstream chunk that a pure pass-through forwards as the JSON text it
 * came in, never parsed. Parsing every chunk was the largest single cost of
 * a streamed pass-through (JSON.parse plus the garbage of the object graph,
 * about 40% of the gateway's CPU per chunk); a scan of the text proves that
 * the gateway has nothing to learn or to change in most of them.
 */
export class VerbatimChunk {
  constructor(
    /** The `data:` payload as the upstream sent it: one line of JSON. */
    readonly json: string,
  ) {}
}

/** What a pass-through stream carries: parsed chunks and verbatim ones. */
export type ChatStreamItem = ChatCompletionChunk | VerbatimChunk;

/**
 * Turns a `data:` payload into a stream item from its text alone, without
 * JSON.parse; undefined when the payload needs the full parse.
 */
export type ChunkShortcut<T> = (data: string) => T | undefined;

/** A shortcut and where its items go (parsed chunks go elsewhere). */
export interface ShortcutRoute<T> {
  read: ChunkShortcut<T>;
  onItem: (item: T) => void;
}

/*
 * A key the gateway must look at when its value is not null: an in-band
 * error, a finish_reason (the end-of-stream check needs it), usage (metrics,
 * and dropping it when the client did not ask). Inside a JSON string every
 * quote is escaped, so `"key"` followed by a colon is always a real key;
 * a string value that happens to read `"usage"` is followed by `,` `}` or
 * `]`, never by a colon.
 */
const NEEDS_PARSE_KEEPING_USAGE =
  /"(?:error|finish_reason|usage)"\s*:\s*(?!null\b)/;
/** As above, and any `usage` key at all, even null: it is removed. */
const NEEDS_PARSE_DROPPING_USAGE =
  /"(?:error|finish_reason)"\s*:\s*(?!null\b)|"usage"\s*:/;

/**
 * The shortcut of a Chat Completions pass-through: a chunk goes out verbatim
 * when it is one line of JSON object with a `choices` array, carries no error, no
 * finish_reason and no usage (a null usage is kept when the client asked for
 * usage, as OpenAI sends `"usage":null` on every chunk then).
 *
 * The text is not validated as JSON: an upstream that sends a complete
 * `data:` line of broken JSON that still looks like a chunk gets it
 * forwarded, as any proxy would. A truncated frame never reaches this
 * point, because an event only ends at its blank line.
 */
export function passThroughShortcut(
  keepsUsage: boolean,
): ChunkShortcut<VerbatimChunk> {
  const needsParse = keepsUsage
    ? NEEDS_PARSE_KEEPING_USAGE
    : NEEDS_PARSE_DROPPING_USAGE;
  return (data) =>
    isOneLineObject(data) &&
    data.includes('"choices":[') &&
    !needsParse.test(data)
      ? new VerbatimChunk(data)
      : undefined;
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

/** True for a chunk that was forwarded verbatim. */
export function isVerbatim(item: ChatStreamItem): item is VerbatimChunk {
  return item instanceof VerbatimChunk;
}
