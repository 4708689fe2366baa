import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import {
  restoreCompactionItems,
  summaryMessageText,
} from './compaction-items.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';

const open = (encrypted: string): string | undefined =>
  encrypted === 'good' ? 'the summary' : undefined;

describe(restoreCompactionItems.name, () => {
  it('returns the items themselves when none is a compaction item', () => {
    const items: ResponseInputItem[] = [
      { type: 'message', role: 'user', content: 'hi' },
    ];
    expect(restoreCompactionItems(items, open)).toBe(items);
  });

  it('replaces a compaction item with a developer message, in place', () => {
    const sut = restoreCompactionItems(
      [
        { type: 'message', role: 'user', content: 'a' },
        { type: 'compaction', id: 'cmp_1', encrypted_content: 'good' },
        { type: 'message', role: 'user', content: 'b' },
      ],
      open,
    );
    expect(sut[1]).toEqual({
      type: 'message',
      role: 'developer',
      content: [
        { type: 'input_text', text: summaryMessageText('the summary') },
      ],
    });
    expect(sut.map((item) => item.content)).toContain('b');
  });

  it.each([['bad'], [''], [undefined], [42]])(
    'refuses encrypted_content %j with a 400 naming the item',
    (encrypted) => {
      const attempt = (): unknown =>
        restoreCompactionItems(
          [
            { type: 'message', role: 'user', content: 'a' },
            { type: 'compaction', encrypted_content: encrypted },
          ],
          open,
        );
      expect(attempt).toThrow(GatewayException);
      expect(attempt).toThrow(
        expect.objectContaining({
          code: 'invalid_request',
          param: 'input[1].encrypted_content',
        }),
      );
    },
  );
});
