import { StringDecoder } from 'node:string_decoder';

/**
 * The most UTF-8 bytes of one text a log line carries (a message, a field,
 * an MCP child's stderr line): enough for any real diagnostic, and a child
 * or upstream that writes megabytes cannot turn into megabyte log lines.
 */
export const MAX_LOGGED_TEXT_BYTES = 8 * 1024;

/** The marker after a cut text: how much of it was left out. */
export function truncationMarker(droppedBytes: number): string {
  return `…(${droppedBytes} bytes more)`;
}

/** How a text is cut for a log line. */
export interface CutOptions {
  maxBytes?: number;
  /**
   * Applied to a text before it is cut, e.g. redaction by value: a secret
   * cut in two would no longer be recognised on the finished line.
   */
  beforeCut?: (text: string) => string;
}

/**
 * `text` cut to its first `maxBytes` bytes of UTF-8 (never inside a
 * character) followed by "…(N bytes more)"; unchanged when it fits.
 */
export function truncateForLog(
  original: string,
  { maxBytes = MAX_LOGGED_TEXT_BYTES, beforeCut }: CutOptions = {},
): string {
  // A UTF-16 unit is at most 3 bytes of UTF-8: short texts need no encoding.
  if (original.length * 3 <= maxBytes) {
    return original;
  }
  if (Buffer.byteLength(original) <= maxBytes) {
    return original;
  }
  const text = beforeCut ? beforeCut(original) : original;
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) {
    return text;
  }
  const head = utf8Prefix(
    Buffer.from(text.slice(0, maxBytes), 'utf8'),
    maxBytes,
  );
  return `${head}${truncationMarker(bytes - Buffer.byteLength(head))}`;
}

/** The text of the first `maxBytes` bytes, without a character cut in two. */
export function utf8Prefix(bytes: Buffer, maxBytes: number): string {
  // write() holds back an incomplete last character; it is dropped.
  return new StringDecoder('utf8').write(bytes.subarray(0, maxBytes));
}

/**
 * A copy of a log object whose string fields are cut (see truncateForLog),
 * one level deep; the object itself when nothing needed cutting.
 */
export function truncateFields<T extends object>(
  fields: T,
  options: CutOptions = {},
): T {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== 'string') {
      continue;
    }
    const cut = truncateForLog(value, options);
    if (cut !== value) {
      copy ??= { ...(fields as Record<string, unknown>) };
      copy[key] = cut;
    }
  }
  return (copy ?? fields) as T;
}
