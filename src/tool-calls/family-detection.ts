import {
  findEarliest,
  matchMarkerAt,
  skipWhitespace,
} from './text-scan.util.js';
import type { ToolCallFamily } from './tool-call.types.js';

/** One family or a list of them, as a list. */
export function toFamilyList(
  families: ToolCallFamily | readonly ToolCallFamily[],
): readonly ToolCallFamily[] {
  return 'startMarkers' in families ? [families] : families;
}

/**
 * The families with a start marker at `position` (leading markers too when
 * `leadingActive`), in the given order.
 */
export function familiesAt(
  text: string,
  position: number,
  families: readonly ToolCallFamily[],
  leadingActive: boolean,
): ToolCallFamily[] {
  return families.filter(
    (f) =>
      matchMarkerAt(text, f.startMarkers, position) !== undefined ||
      (leadingActive &&
        matchMarkerAt(text, f.leadingMarkers ?? [], position) !== undefined),
  );
}

/**
 * Auto mode: the first start marker that appears in `text` picks the
 * families (all candidates sharing that marker, in order). Leading markers
 * (`{`, `[`) only count at the start of the text. Empty when none appears.
 */
export function detectFamilies(
  text: string,
  candidates: readonly ToolCallFamily[],
): ToolCallFamily[] {
  const first = skipWhitespace(text, 0);
  let best = -1;
  for (const family of candidates) {
    let at = findEarliest(text, family.startMarkers)?.index ?? -1;
    if (matchMarkerAt(text, family.leadingMarkers ?? [], first) !== undefined) {
      at = at < 0 ? first : Math.min(at, first);
    }
    if (at >= 0 && (best < 0 || at < best)) {
      best = at;
    }
  }
  return best < 0 ? [] : familiesAt(text, best, candidates, best === first);
}
