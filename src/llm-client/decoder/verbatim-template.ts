import { flatCopy } from '../../common/strings/flat-copy.js';
import { closingQuoteOf, PADDING_FIELD, isPaddingTail } from './json-string.js';
import { jsonKey } from './read-fields.js';

/** What a pass-through's frames rule says of a payload (VerbatimFramesRule.verdict). */
export type Verdict = boolean | readonly [number, number];

const CONTENT_OPEN = `${jsonKey('content')}:"`;
/** A judged payload's text around its content string, and where its cut lies. */
interface Template {
  /** Up to the content's opening quote. */
  prefix: string;
  /** From the content's closing quote; with `padded`, up to the padding value. */
  suffix: string;
  padded: boolean;
  /** A cut in the prefix (from the start) or in the suffix (from the closing quote). */
  cut?: { fromEnd: boolean; range: readonly [number, number] };
}

/**
 * `judge`, taught by the stream: once a payload was judged forwardable, a
 * later one that is the same text around another content string gets the
 * same verdict (its cut moved with the content's length) without the scans.
 * A JSON string without an unescaped quote cannot hold a key, so the two
 * payloads differ in nothing any rule reads: most servers write the same
 * envelope around every text chunk of a stream. Anything else is judged,
 * and may become the template. A property test holds the two equal.
 */
export function learningVerdict(
  judge: (payload: string) => Verdict,
): (payload: string) => Verdict {
  let template: Template | undefined;
  return (payload) => {
    const known = template && verdictOf(template, payload);
    if (known !== undefined) {
      return known;
    }
    const verdict = judge(payload);
    if (verdict !== false) {
      template = learn(payload, verdict) ?? template;
    }
    return verdict;
  };
}

function verdictOf(template: Template, payload: string): Verdict | undefined {
  const { prefix, suffix, padded, cut } = template;
  // Equality of slices runs as one memory compare.
  if (payload.slice(0, prefix.length) !== prefix) {
    return undefined;
  }
  const end = closingQuoteOf(payload, prefix.length);
  if (end < 0) {
    return undefined;
  }
  const tailAt = end + suffix.length;
  const matches = padded
    ? payload.slice(end, tailAt) === suffix && isPaddingTail(payload, tailAt)
    : tailAt === payload.length && payload.slice(end) === suffix;
  if (!matches) {
    return undefined;
  }
  if (cut === undefined) {
    return true;
  }
  const shift = cut.fromEnd ? end : 0;
  return [cut.range[0] + shift, cut.range[1] + shift];
}

function learn(payload: string, verdict: Verdict): Template | undefined {
  const at = payload.indexOf(CONTENT_OPEN);
  const start = at + CONTENT_OPEN.length;
  const end = at < 0 ? -1 : closingQuoteOf(payload, start);
  if (end < 0) {
    return undefined;
  }
  const cut = cutOf(verdict, start, end);
  if (cut === null) {
    return undefined;
  }
  const rest = payload.slice(end);
  const padding = PADDING_FIELD.exec(rest)?.[1];
  // Copies: slices would keep the whole upstream read alive.
  return {
    prefix: flatCopy(payload.slice(0, start)),
    suffix: flatCopy(
      padding === undefined ? rest : rest.slice(0, -padding.length - 2),
    ),
    padded: padding !== undefined,
    ...(cut === undefined ? {} : { cut }),
  };
}

/** The cut relative to the text around the content; null when it overlaps the content. */
function cutOf(
  verdict: Verdict,
  start: number,
  end: number,
): Template['cut'] | null {
  if (verdict === true || verdict === false) {
    return undefined;
  }
  const [from, to] = verdict;
  if (to <= start) {
    return { fromEnd: false, range: [from, to] };
  }
  return from >= end ? { fromEnd: true, range: [from - end, to - end] } : null;
}
