import type { ChatCompletionChunk } from '../../llm-client/chat-completion.types.js';
import {
  type ChunkShortcut,
  isOneLineObject,
} from '../../llm-client/verbatim-chunk.js';

/*
 * Keys of a chunk that the Responses pipeline acts on, other than the text
 * (see ResponseEventMachine.onChunk, the allowed-tools filter and the tool
 * loop): any of them with a value that is not null needs the full parse, and
 * so does a choice index other than 0. Inside a JSON string every quote is
 * escaped, so a quoted name followed by a colon is always a key.
 */
const NEEDS_PARSE =
  /"(?:error|finish_reason|usage|tool_calls|function_call|reasoning_content|reasoning|refusal)"\s*:\s*(?!null\b)|"index"\s*:\s*(?!0\b)/;
const CHOICES = '"choices":[{';
const DELTA = '"delta":{';
const ROLE = '"role":"assistant",';
const CONTENT = '"content":"';
/** V8 copies shorter substrings; longer ones would keep the whole read alive. */
const SHORT_SUBSTRING = 13;

/**
 * The shortcut of one Responses stream: the most frequent chunk, one choice
 * whose delta is only text (`{"content":"…"}`, maybe after the assistant
 * role), read without JSON.parse. It becomes the chunk the machine would
 * have seen, without the envelope (id, model, created), which nothing on
 * the Responses path reads.
 *
 * The first such chunk is recognised by a scan, which refuses anything it
 * cannot prove is of that shape (a second `delta` or `content` key, spaces
 * around the colons…): those take the full parse. The text around its
 * content (the envelope, the same on every chunk of a stream from most
 * servers) is then remembered, and a later chunk that is that envelope
 * around another valid JSON string is the same shape by construction:
 * two comparisons instead of a scan.
 */
export function textDeltaShortcut(): ChunkShortcut<ChatCompletionChunk> {
  let prefix = '';
  let suffix = '';
  return (data) => {
    const textEnd = data.length - suffix.length;
    // Equality of slices runs as one memory compare; startsWith/endsWith
    // compare character by character, several times slower here.
    if (
      prefix !== '' &&
      textEnd >= prefix.length &&
      data.slice(0, prefix.length) === prefix &&
      data.slice(textEnd) === suffix
    ) {
      const content = decodeJsonString(data.slice(prefix.length, textEnd));
      if (content !== undefined) {
        return textChunk(content);
      }
    }
    const at = plainTextAt(data);
    if (at === undefined) {
      return undefined;
    }
    const content = decodeJsonString(data.slice(at.start, at.end));
    if (content === undefined) {
      return undefined;
    }
    // Copies: slices would keep the whole upstream read alive.
    prefix = copyOf(data.slice(0, at.start));
    suffix = copyOf(data.slice(at.end));
    return textChunk(content);
  };
}

/** The chunk the machine would have parsed, minus the envelope. */
function textChunk(content: string): ChatCompletionChunk {
  return {
    id: '',
    object: 'chat.completion.chunk',
    created: 0,
    model: '',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  };
}

/** Where the text of a plain text chunk lies in `data`, if it is one. */
function plainTextAt(data: string): { start: number; end: number } | undefined {
  if (!isOneLineObject(data) || NEEDS_PARSE.test(data)) {
    return undefined;
  }
  const choicesAt = data.indexOf(CHOICES);
  const deltaAt = choicesAt < 0 ? -1 : data.indexOf(DELTA, choicesAt);
  if (
    deltaAt < 0 ||
    data.indexOf('"delta"') !== deltaAt ||
    data.includes('"delta"', deltaAt + 1)
  ) {
    return undefined;
  }
  let contentAt = deltaAt + DELTA.length;
  if (data.startsWith(ROLE, contentAt)) {
    contentAt += ROLE.length;
  }
  if (
    !data.startsWith(CONTENT, contentAt) ||
    data.indexOf('"content"') !== contentAt
  ) {
    return undefined;
  }
  const start = contentAt + CONTENT.length;
  const end = closingQuoteOf(data, start);
  if (end < 0 || data.includes('"content"', end)) {
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

/** A flat copy of `text`, holding no reference to the string it came from. */
function copyOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
