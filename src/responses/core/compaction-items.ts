import { isRecord } from '../../common/is-record.js';
import { invalidRequest } from '../../common/http/field-guards.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';

/** Opens a compaction item's `encrypted_content`: the summary, or undefined when it does not open. */
export type CompactionOpener = (encrypted: string) => string | undefined;

/** The text the model sees in place of a compaction item. */
export function summaryMessageText(summary: string): string {
  return `Summary of the earlier conversation:\n\n${summary}`;
}

/**
 * Replaces every `compaction` item with a developer message carrying the
 * summary it seals, so the model sees the compacted context where the item
 * stood. An item that does not open (tampered, foreign, another key) is a
 * 400 naming `<param>[i].encrypted_content`. Returns `items` itself when it
 * holds no compaction item.
 */
export function restoreCompactionItems(
  items: readonly ResponseInputItem[],
  open: CompactionOpener,
  param = 'input',
): readonly ResponseInputItem[] {
  if (!items.some((item) => isRecord(item) && item.type === 'compaction')) {
    return items;
  }
  return items.map((item, index) => {
    if (!isRecord(item) || item.type !== 'compaction') {
      return item;
    }
    const at = `${param}[${index}].encrypted_content`;
    const encrypted = item['encrypted_content'];
    const summary =
      typeof encrypted === 'string' && encrypted !== ''
        ? open(encrypted)
        : undefined;
    if (summary === undefined) {
      throw invalidRequest(
        at,
        `Invalid '${at}': the compaction item could not be opened (altered, or made by another gateway key).`,
      );
    }
    return {
      type: 'message',
      role: 'developer',
      content: [{ type: 'input_text', text: summaryMessageText(summary) }],
    };
  });
}
