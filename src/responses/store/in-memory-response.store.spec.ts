import { describe, expect, it } from 'vitest';
import type { ResponseObject } from '../core/responses.types.js';
import { InMemoryResponseStore } from './in-memory-response.store.js';
import { pageItems, type StoredResponse } from './response-store.js';
import { describeResponseStoreContract } from './response-store-contract.test-support.js';

function entry(id: string, itemIds: string[] = []): StoredResponse {
  return {
    response: {
      id,
      object: 'response',
      output: [{ type: 'message', id: `out_${id}` }],
    } as unknown as ResponseObject,
    history: [],
    inputItems: itemIds.map((itemId) => ({
      type: 'message',
      id: itemId,
      role: 'user',
      content: [],
    })),
  };
}

describe(InMemoryResponseStore.name, () => {
  it('saves, gets and deletes', async () => {
    const sut = new InMemoryResponseStore(3);
    await sut.save(entry('a'));
    expect((await sut.get('a'))?.response.id).toBe('a');
    expect(await sut.delete('a')).toBe(true);
    expect(await sut.get('a')).toBeUndefined();
    expect(await sut.delete('a')).toBe(false);
  });

  it('evicts the least recently used entry past capacity, with its items', async () => {
    const sut = new InMemoryResponseStore(2);
    await sut.save(entry('a', ['item_a']));
    await sut.save(entry('b', ['item_b']));
    await sut.get('a');
    await sut.save(entry('c'));
    expect(await sut.get('b')).toBeUndefined();
    expect(await sut.getItem('item_b')).toBeUndefined();
    expect(await sut.get('a')).toBeDefined();
    expect(sut.size).toBe(2);
  });

  it('finds input and output items by id', async () => {
    const sut = new InMemoryResponseStore(2);
    await sut.save(entry('a', ['item_1']));
    expect((await sut.getItem('item_1'))?.id).toBe('item_1');
    expect((await sut.getItem('out_a'))?.type).toBe('message');
    expect(await sut.getItem('nope')).toBeUndefined();
  });
});

describeResponseStoreContract(InMemoryResponseStore.name, (capacity) =>
  Promise.resolve(new InMemoryResponseStore(capacity)),
);

describe(pageItems.name, () => {
  const items = ['i1', 'i2', 'i3', 'i4'].map((id) => ({ type: 'message', id }));

  it('pages in both orders with after and before', () => {
    expect(pageItems(items, { limit: 2, order: 'asc' })).toEqual({
      object: 'list',
      data: [items[0], items[1]],
      first_id: 'i1',
      last_id: 'i2',
      has_more: true,
    });
    expect(
      pageItems(items, { limit: 10, order: 'desc', after: 'i3' }).data.map(
        (i) => i.id,
      ),
    ).toEqual(['i2', 'i1']);
    expect(
      pageItems(items, { limit: 10, order: 'asc', before: 'i3' }).data.map(
        (i) => i.id,
      ),
    ).toEqual(['i1', 'i2']);
    expect(
      pageItems(items, { limit: 10, order: 'asc', after: 'i4' }),
    ).toMatchObject({
      data: [],
      first_id: null,
      last_id: null,
      has_more: false,
    });
  });
});
