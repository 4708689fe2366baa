import {
  findEarliest,
  longestPartialSuffix,
  skipWhitespace,
} from './text-scan.util.js';

/** One step of {@link ArgumentStreamer.read}. */
export interface StreamStep {
  /** Text to emit now. */
  readonly delta: string;
  /** Chars of the input that are done with (emitted or dropped). */
  readonly used: number;
  /** Length of the end marker right after `used`, or -1 when none was seen. */
  readonly endLength: number;
}

/**
 * Streams the text before an end marker as it arrives, holding back only what
 * could still be the start of the marker. With `trimEdges` (JSON arguments)
 * leading whitespace is dropped and trailing whitespace is held until more
 * text follows (and dropped at the end).
 */
export class ArgumentStreamer {
  private started = false;

  constructor(
    private readonly endMarkers: string | readonly string[],
    private readonly trimEdges = true,
  ) {}

  /** `buf` = the input not yet used (it starts where the last step stopped). */
  read(buf: string, atEnd: boolean): StreamStep {
    const markers =
      typeof this.endMarkers === 'string' ? [this.endMarkers] : this.endMarkers;
    const end = findEarliest(buf, markers);
    const final = end !== undefined || atEnd;
    const limit =
      end !== undefined
        ? end.index
        : atEnd
          ? buf.length
          : buf.length - longestPartialSuffix(buf, markers);
    let start = 0;
    let visibleEnd = limit;
    if (this.trimEdges) {
      if (!this.started) {
        start = Math.min(skipWhitespace(buf, 0), limit);
      }
      while (visibleEnd > start && /\s/.test(buf.charAt(visibleEnd - 1))) {
        visibleEnd--;
      }
    }
    const delta = buf.slice(start, visibleEnd);
    if (delta !== '') {
      this.started = true;
    }
    return {
      delta,
      used: final ? limit : visibleEnd,
      endLength: end?.marker.length ?? -1,
    };
  }
}
