import { flatCopy } from '../../common/strings/flat-copy.js';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { ChunkDecoder } from './chunk-decoder.js';
import { jsonKey, TEXT_TEMPLATE_NEEDS_PARSE } from './read-fields.js';
import { TextDelta, UpstreamChunk } from './stream-items.js';
import { type ChunkShortcut, isOneLineObject } from './verbatim-chunk.js';
import { isRecord } from '../../common/is-record.js';

// The marks of a plain text chunk, spelled from CHUNK_FIELDS' names.
const CHOICES = `${jsonKey('choices')}:[{`;
const DELTA_KEY = jsonKey('delta');
const DELTA = `${DELTA_KEY}:{`;
const ROLE = `${jsonKey('role')}:"assistant",`;
const CONTENT_KEY = jsonKey('content');
const CONTENT = `${CONTENT_KEY}:"`;
/** V8 copies shorter substrings; longer ones would keep the whole read alive. */
const SHORT_SUBSTRING = 13;
/**
 * OpenAI's last field, a random padding string that differs on every chunk:
 * a template ends before its value. Not a field the gateway reads.
 */
// eslint-disable-next-line no-control-regex -- control characters need escaping in JSON
const PADDING_FIELD = /,"obfuscation":"([^"\\\u0000-\u001f]*)"\}$/;
/** A padding value (no quote, backslash or control character) and the object's end. */
// eslint-disable-next-line no-control-regex -- as above
const PADDING_VALUE = /^[^"\\\u0000-\u001f]*"\}$/;

/** A parsed text chunk, and the text around its content in the upstream's JSON. */
interface Template {
  prefix: string;
  /** With `padded`, up to the opening quote of the padding value. */
  suffix: string;
  /** The chunk ends in an `obfuscation` string whose value changes per chunk. */
  padded: boolean;
  chunk: ChatCompletionChunk;
  choice: ChatCompletionChunk['choices'][number];
}

/** What a template reader hands over for a chunk it read. */
interface TemplateItems<T> {
  /** The chunk the template was learned from (parsed and decoded). */
  learned: (template: Template, data: string) => T;
  /** A later chunk: the template around another `content`. */
  matched: (template: Template, content: string, data: string) => T;
}

/**
 * Reads the text chunks of one stream without JSON.parse, with the same
 * result: the object JSON.parse and the decoder would have built.
 *
 * The first text chunk (one choice, index 0, whose delta holds a `content`
 * string, and no other field the gateway reads holds a value: see
 * CHUNK_FIELDS, which this scan is built from) is found by a scan, which refuses
 * what it cannot prove is of that shape (a second `delta` or `content` key,
 * spaces around the colons…), and parsed. Its text around the content is
 * then a template: most servers write the same envelope on every chunk of a
 * stream. A later chunk that is that prefix and suffix around another valid
 * JSON string is the template's chunk with another content, by construction:
 * two memory compares and a copy of three small objects instead of a parse.
 * Anything else takes the full parse.
 *
 * With `keepText`, each pair carries the upstream's JSON text, for a writer
 * that forwards an unchanged chunk as it came (see UpstreamChunk).
 */
export function textChunkShortcut(
  keepText = false,
): ChunkShortcut<UpstreamChunk> {
  const textOf = (data: string): string | undefined =>
    keepText ? data : undefined;
  return templateReader({
    learned: ({ chunk }, data) => new UpstreamChunk(chunk, textOf(data)),
    matched: (template, content, data) =>
      new UpstreamChunk(withContent(template, content, data), textOf(data)),
  });
}

/**
 * As textChunkShortcut, but a chunk that matches the learned template is
 * handed over as a TextDelta, with no chunk object: for a consumer that
 * reads nothing else from a plain text chunk (the text lane). The chunk a
 * template is learned from still comes as the parsed chunk.
 */
export function textDeltaShortcut(): ChunkShortcut<TextDelta | UpstreamChunk> {
  return templateReader<TextDelta | UpstreamChunk>({
    learned: ({ chunk }) => new UpstreamChunk(chunk, undefined),
    matched: (_template, content) => new TextDelta(content),
  });
}

/** The template's chunk with another content (and padding): three small copies. */
function withContent(
  { chunk, choice, padded }: Template,
  content: string,
  data: string,
): ChatCompletionChunk {
  const choices = [{ ...choice, delta: { ...choice.delta, content } }];
  // The padding value holds no quote: it starts after the last one before `"}`.
  return padded
    ? {
        ...chunk,
        obfuscation: data.slice(data.lastIndexOf('"', data.length - 3) + 1, -2),
        choices,
      }
    : { ...chunk, choices };
}

/** Reads `data` through the stream's template; see textChunkShortcut. */
function templateReader<T>(items: TemplateItems<T>): ChunkShortcut<T> {
  let template: Template | undefined;
  return (data) => {
    const matched = template && contentInTemplate(data, template);
    if (template && matched !== undefined) {
      return items.matched(template, matched, data);
    }
    const learned = learnTemplate(data);
    if (learned === undefined) {
      return undefined;
    }
    template = learned;
    return items.learned(learned, data);
  };
}

/** The content of `data` when it is the template around another JSON string. */
function contentInTemplate(
  data: string,
  template: Template,
): string | undefined {
  const { prefix, suffix } = template;
  if (template.padded) {
    return paddedContent(data, prefix, suffix);
  }
  const textEnd = data.length - suffix.length;
  // Equality of slices runs as one memory compare; startsWith/endsWith
  // compare character by character, several times slower here.
  return textEnd >= prefix.length &&
    data.slice(0, prefix.length) === prefix &&
    data.slice(textEnd) === suffix
    ? decodeJsonString(data.slice(prefix.length, textEnd))
    : undefined;
}

/** As contentInTemplate, for a template whose chunks end in a padding value. */
function paddedContent(
  data: string,
  prefix: string,
  suffix: string,
): string | undefined {
  if (data.slice(0, prefix.length) !== prefix) {
    return undefined;
  }
  const textEnd = closingQuoteOf(data, prefix.length);
  const tailAt = textEnd + suffix.length;
  return textEnd >= 0 &&
    data.slice(textEnd, tailAt) === suffix &&
    PADDING_VALUE.test(data.slice(tailAt))
    ? decodeJsonString(data.slice(prefix.length, textEnd))
    : undefined;
}

/** A template from `data` if it is a plain text chunk, else undefined. */
function learnTemplate(data: string): Template | undefined {
  const at = plainTextAt(data);
  if (at === undefined) {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) {
    return undefined;
  }
  // The template's chunk is what the decoder makes of it (SGLang's nulls
  // dropped); every chunk read through the template is that chunk.
  const { chunk, rewritten } = new ChunkDecoder().decode(parsed);
  if (rewritten) {
    return undefined;
  }
  const choice = chunk.choices.length === 1 ? chunk.choices[0] : undefined;
  const content = decodeJsonString(data.slice(at.start, at.end));
  if (choice === undefined || choice.delta.content !== content) {
    return undefined;
  }
  const rest = data.slice(at.end);
  const padding = PADDING_FIELD.exec(rest)?.[1];
  const padded = padding !== undefined && chunk['obfuscation'] === padding;
  // Copies: slices would keep the whole upstream read alive.
  return {
    prefix: flatCopy(data.slice(0, at.start)),
    suffix: flatCopy(padded ? rest.slice(0, -padding.length - 2) : rest),
    padded,
    chunk,
    choice,
  };
}

/** Where the text of a plain text chunk lies in `data`, if it is one. */
function plainTextAt(data: string): { start: number; end: number } | undefined {
  if (!isOneLineObject(data) || TEXT_TEMPLATE_NEEDS_PARSE.test(data)) {
    return undefined;
  }
  const choicesAt = data.indexOf(CHOICES);
  const deltaAt = choicesAt < 0 ? -1 : data.indexOf(DELTA, choicesAt);
  if (
    deltaAt < 0 ||
    data.indexOf(DELTA_KEY) !== deltaAt ||
    data.includes(DELTA_KEY, deltaAt + 1)
  ) {
    return undefined;
  }
  let contentAt = deltaAt + DELTA.length;
  if (data.startsWith(ROLE, contentAt)) {
    contentAt += ROLE.length;
  }
  if (
    !data.startsWith(CONTENT, contentAt) ||
    data.indexOf(CONTENT_KEY) !== contentAt
  ) {
    return undefined;
  }
  const start = contentAt + CONTENT.length;
  const end = closingQuoteOf(data, start);
  if (end < 0 || data.includes(CONTENT_KEY, end)) {
    return undefined;
  }
  const after = data.charCodeAt(end + 1);
  return after === 0x7d /* } */ || after === 0x2c /* , */
    ? { start, end }
    : undefined;
}

/** The index of the quote that ends the JSON string starting at `from`, or -1. */
function closingQuoteOf(data: string, from: number): number {
  for (let at = data.indexOf('"', from); at >= 0;) {
    let backslashes = 0;
    while (data.charCodeAt(at - 1 - backslashes) === 0x5c /* \ */) {
      backslashes += 1;
    }
    if (backslashes % 2 === 0) {
      return at;
    }
    at = data.indexOf('"', at + 1);
  }
  return -1;
}

/**
 * The text of a JSON string's body (between its quotes); undefined when it
 * is not one: an unescaped quote, a dangling backslash, a bad escape.
 */
function decodeJsonString(raw: string): string | undefined {
  if (!raw.includes('\\')) {
    if (raw.includes('"')) {
      return undefined;
    }
    if (raw.length < SHORT_SUBSTRING) {
      return raw;
    }
  }
  try {
    // Also copies a long text out of the upstream read it was sliced from.
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}
