import type { Readable } from 'node:stream';
import {
  MAX_LOGGED_TEXT_BYTES,
  truncationMarker,
  utf8Prefix,
  type CutOptions,
} from './truncate-for-log.js';

const NEWLINE = 0x0a;
/**
 * Bytes held past the cut, for `beforeCut`: a secret that starts just
 * before the cut is still whole when it is redacted.
 */
const CUT_MARGIN_BYTES = 512;

/**
 * Reads `stream` as lines and hands each to `onLine`, holding at most
 * `maxBytes` of any line: the rest of a longer line is counted, dropped as
 * it arrives, and the line ends with "…(N bytes more)". readline would
 * buffer a 200 MB line whole before handing it over. A trailing `\r` is
 * removed; a last line without a newline is handed over at the end.
 */
export function readBoundedLines(
  stream: Readable,
  onLine: (line: string) => void,
  options: CutOptions = {},
): void {
  const splitter = new BoundedLineSplitter(onLine, options);
  stream.on('data', (chunk: Buffer | string) => splitter.push(chunk));
  stream.on('end', () => splitter.end());
}

/** The state of readBoundedLines: the kept head of the current line, and what was dropped. */
export class BoundedLineSplitter {
  private parts: Buffer[] = [];
  private kept = 0;
  private dropped = 0;
  private pendingLine = false;
  private readonly maxBytes: number;
  private readonly beforeCut: ((text: string) => string) | undefined;

  constructor(
    private readonly onLine: (line: string) => void,
    options: CutOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? MAX_LOGGED_TEXT_BYTES;
    this.beforeCut = options.beforeCut;
  }

  /** Bytes of the current line held now; never more than maxBytes plus a small margin. */
  get heldBytes(): number {
    return this.kept;
  }

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(NEWLINE, start);
      const end = newline === -1 ? bytes.length : newline;
      this.keep(bytes, start, end);
      if (newline === -1) {
        return;
      }
      this.emit();
      start = newline + 1;
    }
  }

  /** Hands over a last line that had no newline. */
  end(): void {
    if (this.pendingLine) {
      this.emit();
    }
  }

  private keep(bytes: Buffer, start: number, end: number): void {
    this.pendingLine = true;
    const room = Math.max(this.maxBytes + CUT_MARGIN_BYTES - this.kept, 0);
    const take = Math.min(end - start, room);
    if (take > 0) {
      // A copy: a view would keep the whole chunk alive.
      this.parts.push(Buffer.from(bytes.subarray(start, start + take)));
      this.kept += take;
    }
    this.dropped += end - start - take;
  }

  private emit(): void {
    const line = Buffer.concat(this.parts, this.kept);
    const total = this.kept + this.dropped;
    this.parts = [];
    this.kept = 0;
    this.dropped = 0;
    this.pendingLine = false;
    if (total <= this.maxBytes) {
      const text = line.toString('utf8');
      this.onLine(text.endsWith('\r') ? text.slice(0, -1) : text);
      return;
    }
    let text = utf8Prefix(line, line.length);
    if (this.beforeCut) {
      text = this.beforeCut(text);
    }
    const head = utf8Prefix(Buffer.from(text, 'utf8'), this.maxBytes);
    const left = Math.max(total - Buffer.byteLength(head), 0);
    this.onLine(`${head}${truncationMarker(left)}`);
  }
}
