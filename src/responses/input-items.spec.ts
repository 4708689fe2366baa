import { describe, expect, it } from 'vitest';
import type { ResponseInputItem } from '../protocol/responses.types.js';
import { normalizeInputItems, resolveItemReferences } from './input-items.js';

const STORED: Record<string, ResponseInputItem> = {
  msg_1: { type: 'message', role: 'user', content: 'from store' },
  ref_1: { type: 'item_reference', id: 'msg_1' },
};

function sut(items: ResponseInputItem[]): Promise<ResponseInputItem[]> {
  return resolveItemReferences(items, (id) => STORED[id]);
}

describe(resolveItemReferences.name, () => {
  it('resolves item references, with or without type', async () => {
    expect(
      await sut(
        normalizeInputItems([
          { type: 'item_reference', id: 'msg_1' },
          { id: 'msg_1' },
        ]),
      ),
    ).toEqual([STORED['msg_1'], STORED['msg_1']]);
  });

  it('keeps the other items in place', async () => {
    const [before, , after] = await sut(
      normalizeInputItems([
        { role: 'user', content: 'a' },
        { type: 'item_reference', id: 'msg_1' },
        { role: 'user', content: 'b' },
      ]),
    );
    expect([before?.content, after?.content]).toEqual([
      [{ type: 'input_text', text: 'a' }],
      [{ type: 'input_text', text: 'b' }],
    ]);
  });

  it('rejects an unknown item reference with param input', async () => {
    await expect(
      sut([{ type: 'item_reference', id: 'msg_x' }]),
    ).rejects.toMatchObject({ code: 'invalid_request', param: 'input' });
  });

  it('rejects a reference that finds another reference', async () => {
    await expect(
      sut([{ type: 'item_reference', id: 'ref_1' }]),
    ).rejects.toMatchObject({ code: 'invalid_request', param: 'input' });
  });
});
