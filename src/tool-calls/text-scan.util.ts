/** Small string helpers shared by the scanners and the streaming engine. */

/**
 * Length of the longest proper prefix of `marker` that `text` ends with, i.e.
 * how many trailing chars of `text` could still turn into `marker`.
 */
function partialSuffixLength(text: string, marker: string): number {
  const max = Math.min(text.length, marker.length - 1);
  for (let len = max; len > 0; len--) {
    const from = text.length - len;
    let k = 0;
    while (k < len && text.charCodeAt(from + k) === marker.charCodeAt(k)) {
      k++;
    }
    if (k === len) {
      return len;
    }
  }
  return 0;
}

/** The largest `partialSuffixLength` over several markers. */
export function longestPartialSuffix(
  text: string,
  markers: readonly string[],
): number {
  let best = 0;
  for (const marker of markers) {
    best = Math.max(best, partialSuffixLength(text, marker));
  }
  return best;
}

/** The longest marker that `text` starts with at `position`, if any. */
export function matchMarkerAt(
  text: string,
  markers: readonly string[],
  position = 0,
): string | undefined {
  let best: string | undefined;
  for (const marker of markers) {
    if (
      text.startsWith(marker, position) &&
      (best === undefined || marker.length > best.length)
    ) {
      best = marker;
    }
  }
  return best;
}

/** True when `text.slice(position)` is a proper prefix of one of the markers. */
export function couldBecomeMarker(
  text: string,
  markers: readonly string[],
  position = 0,
): boolean {
  const rest = text.length - position;
  return markers.some(
    (marker) => marker.length > rest && marker.startsWith(text.slice(position)),
  );
}

/** Earliest occurrence of any marker at or after `from`. */
export function findEarliest(
  text: string,
  markers: readonly string[],
  from = 0,
): { index: number; marker: string } | undefined {
  let found: { index: number; marker: string } | undefined;
  for (const marker of markers) {
    const index = text.indexOf(marker, from);
    if (index >= 0 && (found === undefined || index < found.index)) {
      found = { index, marker };
    }
  }
  return found;
}

/** Index of the first non-whitespace char at or after `from` (or text.length). */
export function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text.charAt(i))) {
    i++;
  }
  return i;
}

/** Removes one leading and one trailing line break (XML-style values). */
export function stripOuterNewline(value: string): string {
  let out = value;
  if (out.startsWith('\r\n')) {
    out = out.slice(2);
  } else if (out.startsWith('\n')) {
    out = out.slice(1);
  }
  if (out.endsWith('\r\n')) {
    out = out.slice(0, -2);
  } else if (out.endsWith('\n')) {
    out = out.slice(0, -1);
  }
  return out;
}

/** JSON.parse that returns `undefined` instead of throwing. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
