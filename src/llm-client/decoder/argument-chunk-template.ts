import type {
  ChatCompletionChunk,
  ChatToolCallDelta,
} from '../../protocol/chat-completion.types.js';
import { closingQuoteOf, decodeJsonString } from './json-string.js';
import { field } from './raw-fields.js';
import { ARGUMENT_TEMPLATE_EMPTY, jsonKey } from './read-fields.js';
import {
  envelopeAround,
  paddingOf,
  type StringEnvelope,
  stringInEnvelope,
} from './string-envelope.js';
import { isOneLineObject } from './verbatim-chunk.js';
import { withFields } from '../../common/objects/with-fields.js';

type Choice = ChatCompletionChunk['choices'][number];
type FunctionDelta = NonNullable<ChatToolCallDelta['function']>;

const ARGUMENTS_KEY = jsonKey('arguments');
const ARGUMENTS = `${ARGUMENTS_KEY}:"`;
const UNICODE_ESCAPE = '\\u';

/** The objects of a decoded tool-call continuation, from the chunk down to its function. */
interface Continuation {
  chunk: ChatCompletionChunk;
  choice: Choice;
  delta: Choice['delta'];
  call: ChatToolCallDelta;
  fn: FunctionDelta;
}

type Template = Continuation & StringEnvelope;

/**
 * Reads the argument chunks of one stream's tool call without JSON.parse,
 * with the same result: the object the stream's own ChunkDecoder would
 * have made of each.
 *
 * The decoder renumbers tool calls (ToolCallIndexer), so the template is
 * learned from a chunk as the stream's decoder decoded it (`learnFrom`,
 * told of every chunk the SSE parser parsed), never from a fresh decoder:
 * its call index is the one the stream's mapping gave. It is learned only
 * from a continuation: one choice, one tool call without id, type or name,
 * string `arguments`, nothing else read holding a value (CHUNK_FIELDS'
 * argumentTemplate), and not rewritten (so its index is the upstream's).
 * A later chunk that is the same text around another JSON string decodes,
 * by construction, to that chunk with other arguments: same choice, same
 * upstream index, no id, so the indexer maps it as it mapped the learned
 * one. The template is forgotten whenever any chunk with tool calls takes
 * the full parse, so the mapping it was learned under never changes while
 * it lives. Skipping the decoder for a match leaves the indexer as it
 * would have been: decoding it would only set `last`, to the index the
 * learned chunk (the last call the decoder saw) already set.
 */
export class ArgumentChunkTemplate {
  private template: Template | undefined;

  /** The decoded chunk `data` stands for, if it matches the learned template. */
  read(data: string): ChatCompletionChunk | undefined {
    const template = this.template;
    if (template === undefined) {
      return undefined;
    }
    const args = stringInEnvelope(data, template);
    return args === undefined ? undefined : withArguments(template, args, data);
  }

  /** Told of a chunk the stream's decoder decoded: forgets, and may learn. */
  learnFrom(
    data: string,
    chunk: ChatCompletionChunk,
    rewritten: boolean,
  ): void {
    if (!chunk.choices.some(({ delta }) => delta.tool_calls !== undefined)) {
      return;
    }
    const continuation = rewritten ? undefined : continuationOf(chunk);
    this.template = continuation && learn(data, continuation);
  }
}

/**
 * The template's chunk with other arguments (and padding): five small
 * copies, each a spread whose keys (all its own) then get new values: see
 * withFields for why not it.
 */
function withArguments(
  { chunk, choice, delta, call, fn, padded }: Template,
  args: string,
  data: string,
): ChatCompletionChunk {
  const fnCopy = { ...fn };
  fnCopy.arguments = args;
  const callCopy = { ...call };
  callCopy.function = fnCopy;
  const deltaCopy = { ...delta };
  deltaCopy.tool_calls = [callCopy];
  const choiceCopy = { ...choice };
  choiceCopy.delta = deltaCopy;
  const out = { ...chunk };
  if (padded) {
    out.obfuscation = paddingOf(data);
  }
  out.choices = [choiceCopy];
  return out;
}

/** The parts of a decoded chunk when it continues one call's arguments, and nothing else. */
function continuationOf(chunk: ChatCompletionChunk): Continuation | undefined {
  const choice = chunk.choices.length === 1 ? chunk.choices[0] : undefined;
  const calls = choice?.delta.tool_calls;
  const call = calls?.length === 1 ? calls[0] : undefined;
  const fn = call?.function;
  if (
    choice === undefined ||
    call === undefined ||
    fn === undefined ||
    call.id !== undefined ||
    call.type !== undefined ||
    fn.name !== undefined ||
    typeof fn.arguments !== 'string'
  ) {
    return undefined;
  }
  const { delta } = choice;
  const holdsValue = (name: (typeof ARGUMENT_TEMPLATE_EMPTY)[number]) =>
    (field(chunk, name) ??
      field(choice, name) ??
      field(delta, name) ??
      null) !== null;
  return ARGUMENT_TEMPLATE_EMPTY.some(holdsValue)
    ? undefined
    : { chunk, choice, delta, call, fn };
}

/**
 * The template of a continuation, whose text is `data`, when its arguments
 * string can be found in the text. The objects are copied: the parsed ones
 * go on to consumers.
 */
function learn(data: string, parts: Continuation): Template | undefined {
  const at = argumentsAt(data);
  if (
    at === undefined ||
    decodeJsonString(data.slice(at.start, at.end)) !== parts.fn.arguments
  ) {
    return undefined;
  }
  return withFields(
    envelopeAround(data, at.start, at.end, parts.chunk['obfuscation']),
    {
      chunk: { ...parts.chunk },
      choice: { ...parts.choice },
      delta: { ...parts.delta },
      call: { ...parts.call },
      fn: { ...parts.fn },
    },
  );
}

/**
 * Where the body of the arguments string lies in `data`: after the one
 * `"arguments"` key of the text, which starts after `{` or `,` (so it is a
 * key, not text inside a string) and is followed by a string. As no `\u`
 * escape stands outside that string, no other key can spell `arguments`:
 * the decoded function's arguments, a string, came from this one.
 */
function argumentsAt(data: string): { start: number; end: number } | undefined {
  const keyAt = data.indexOf(ARGUMENTS_KEY);
  if (
    keyAt < 0 ||
    !data.startsWith(ARGUMENTS, keyAt) ||
    data.includes(ARGUMENTS_KEY, keyAt + 1) ||
    !isOneLineObject(data)
  ) {
    return undefined;
  }
  const before = data.charCodeAt(keyAt - 1);
  const start = keyAt + ARGUMENTS.length;
  const end = closingQuoteOf(data, start);
  const after = end < 0 ? NaN : data.charCodeAt(end + 1);
  const escapeAt = data.indexOf(UNICODE_ESCAPE);
  return (before === 0x7b /* { */ || before === 0x2c) /* , */ &&
    (after === 0x7d /* } */ || after === 0x2c) /* , */ &&
    (escapeAt < 0 || (escapeAt >= start && !data.includes(UNICODE_ESCAPE, end)))
    ? { start, end }
    : undefined;
}
