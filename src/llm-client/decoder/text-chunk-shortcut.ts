import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { ArgumentChunkTemplate } from './argument-chunk-template.js';
import { ChunkDecoder } from './chunk-decoder.js';
import { closingQuoteOf, decodeJsonString } from './json-string.js';
import {
  jsonKey,
  onlyTextValueAt,
  TEXT_FIELDS,
  TEXT_TEMPLATE_NEEDS_PARSE,
  type TextField,
} from './read-fields.js';
import { TextDelta, TextRun, UpstreamChunk } from './stream-items.js';
import {
  envelopeAround,
  paddingOf,
  type StringEnvelope,
  stringInEnvelope,
} from './string-envelope.js';
import { type ChunkShortcut, isOneLineObject } from './verbatim-chunk.js';
import { isRecord } from '../../common/is-record.js';
import { withFields } from '../../common/objects/with-fields.js';

// The marks of a plain text chunk, spelled from CHUNK_FIELDS' names.
const CHOICES = `${jsonKey('choices')}:[{`;
const DELTA_KEY = jsonKey('delta');
const DELTA = `${DELTA_KEY}:{`;
/** Each text field's key, as it starts in JSON text. */
const TEXT_KEYS = Object.fromEntries(
  TEXT_FIELDS.map((field) => [field, jsonKey(field)]),
) as Record<TextField, string>;

/** A parsed text chunk, and the JSON text around its one text field's string. */
interface Template extends StringEnvelope {
  field: TextField;
  chunk: ChatCompletionChunk;
  choice: ChatCompletionChunk['choices'][number];
}

/** What a template reader hands over for a chunk it read. */
interface TemplateItems<T> {
  /**
   * A decoded chunk: the one a text template was learned from (parsed), or
   * one an argument template built.
   */
  decoded: (chunk: ChatCompletionChunk, data: string) => T;
  /** A later chunk: a text template around another text. */
  matched: (template: Template, text: string, data: string) => T;
}

/**
 * Reads the text chunks of one stream without JSON.parse, with the same
 * result: the object JSON.parse and the decoder would have built.
 *
 * A text chunk (one choice, index 0, whose delta holds one text field,
 * `content`, `reasoning` or `reasoning_content`, as a string, and no other
 * field the gateway reads holds a value: see CHUNK_FIELDS, which this scan
 * is built from) is found by a scan, which refuses what it cannot prove is
 * of that shape (a second `delta` key or key of that field, spaces around
 * the colon…), and parsed. Its text around that string is then the field's
 * template: most servers write the same envelope on every chunk of a
 * stream. A later chunk that is that prefix and suffix around another valid
 * JSON string is the template's chunk with another text, by construction:
 * two memory compares and a copy of three small objects instead of a parse.
 * Each field keeps its own template, as a reasoning model's reply goes from
 * reasoning to text to tool calls. The argument chunks of a tool call are
 * read through a template learned from the stream's own decoding
 * (ArgumentChunkTemplate). Anything else takes the full parse.
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
    decoded: (chunk, data) => new UpstreamChunk(chunk, textOf(data)),
    matched: (template, text, data) =>
      new UpstreamChunk(withText(template, text, data), textOf(data)),
  });
}

/**
 * As textChunkShortcut, but a chunk that matches the learned `content`
 * template is handed over as a TextDelta, with no chunk object: for a
 * consumer that reads nothing else from a plain text chunk (the text lane).
 * A chunk a template is learned from, and one read through a reasoning or
 * argument template, still come as the decoded chunk.
 */
export function textDeltaShortcut(): ChunkShortcut<
  TextDelta | TextRun | UpstreamChunk
> {
  return templateReader<TextDelta | TextRun | UpstreamChunk>(
    {
      decoded: (chunk) => new UpstreamChunk(chunk, undefined),
      matched: (template, text, data) =>
        template.field === 'content'
          ? new TextDelta(text)
          : new UpstreamChunk(withText(template, text, data), undefined),
    },
    (texts) =>
      texts.length === 1
        ? new TextDelta(texts[0] as string)
        : new TextRun(texts),
  );
}

/**
 * The template's chunk with another text (and padding): three small copies,
 * each a spread whose keys (all its own) then get new values: see
 * withFields for why not it.
 */
function withText(
  { chunk, choice, padded, field }: Template,
  text: string,
  data: string,
): ChatCompletionChunk {
  const delta = { ...choice.delta };
  delta[field] = text;
  const copy = { ...choice };
  copy.delta = delta;
  const out = { ...chunk };
  if (padded) {
    out.obfuscation = paddingOf(data);
  }
  out.choices = [copy];
  return out;
}

/**
 * Reads `data` through the stream's templates; see textChunkShortcut. With
 * `run`, the shortcut also has a TextRunRule: the texts of chunks read
 * through the `content` template (the ones `matched` is given) go on
 * together, as `run` makes them, one item per upstream read instead of
 * one per chunk (bench/README.md, "Text runs").
 */
function templateReader<T>(
  items: TemplateItems<T>,
  run?: (texts: string[]) => T,
): ChunkShortcut<T> {
  const templates: Template[] = [];
  const args = new ArgumentChunkTemplate();
  const contentText = (data: string): string | undefined => {
    const content = templates.find(({ field }) => field === 'content');
    return content && stringInEnvelope(data, content);
  };
  const read = (data: string): T | undefined => {
    // The last template that read a chunk first: text comes in runs.
    for (let at = templates.length - 1; at >= 0; at--) {
      const template = templates[at];
      const text = template && stringInEnvelope(data, template);
      if (template && text !== undefined) {
        if (at !== templates.length - 1) {
          templates.splice(at, 1);
          templates.push(template);
        }
        return items.matched(template, text, data);
      }
    }
    const argumentChunk = args.read(data);
    if (argumentChunk !== undefined) {
      return items.decoded(argumentChunk, data);
    }
    const learned = learnTemplate(data);
    if (learned === undefined) {
      return undefined;
    }
    const same = templates.findIndex(({ field }) => field === learned.field);
    if (same >= 0) {
      templates.splice(same, 1);
    }
    templates.push(learned);
    return items.decoded(learned.chunk, data);
  };
  return Object.assign(read, {
    learnFrom: (data: string, chunk: ChatCompletionChunk, rewritten: boolean) =>
      args.learnFrom(data, chunk, rewritten),
    ...(run && { texts: { text: contentText, item: run } }),
  });
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
  // Its field's one key in `data` is the delta's: `at` is where its text lies.
  const text = decodeJsonString(data.slice(at.start, at.end));
  if (choice === undefined || choice.delta[at.field] !== text) {
    return undefined;
  }
  return withFields(
    envelopeAround(data, at.start, at.end, chunk['obfuscation']),
    { field: at.field, chunk, choice },
  );
}

/** Where the text of a plain text chunk lies in `data`, and its field. */
interface TextAt {
  field: TextField;
  /** After the string's opening quote. */
  start: number;
  /** At its closing quote. */
  end: number;
}

/** Where the text of a plain text chunk lies in `data`, if it is one. */
function plainTextAt(data: string): TextAt | undefined {
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
  const keyAt = onlyTextValueAt(data);
  const field = keyAt > deltaAt ? textFieldAt(data, keyAt) : undefined;
  if (field === undefined) {
    return undefined;
  }
  // The field's only key, so that the parse can prove it the delta's.
  const key = TEXT_KEYS[field];
  const start = keyAt + key.length + 2;
  if (
    !data.startsWith(':"', start - 2) ||
    data.indexOf(key) !== keyAt ||
    data.includes(key, keyAt + 1)
  ) {
    return undefined;
  }
  const end = closingQuoteOf(data, start);
  const after = end < 0 ? NaN : data.charCodeAt(end + 1);
  return after === 0x7d /* } */ || after === 0x2c /* , */
    ? { field, start, end }
    : undefined;
}

/** The text field whose key starts at `keyAt`. */
function textFieldAt(data: string, keyAt: number): TextField | undefined {
  return TEXT_FIELDS.find((field) => data.startsWith(TEXT_KEYS[field], keyAt));
}
