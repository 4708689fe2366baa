import { describe, expect, it } from 'vitest';
import type { ResponseObject } from '../../protocol/responses.types.js';
import { InMemoryResponseStore } from './in-memory-response.store.js';
import {
  GatewayException,
  toOpenAiError,
} from '../../common/errors/gateway.exception.js';
import {
  conversationItems,
  pageItems,
  type StoredResponse,
} from './response-store.js';
import {
  describeResponseStoreContract,
  storedEntry,
} from './response-store-contract.test-support.js';

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
    expect((await sut.getItem('item_1'))?.item.id).toBe('item_1');
    expect((await sut.getItem('out_a'))?.item.type).toBe('message');
    expect(await sut.getItem('nope')).toBeUndefined();
  });
});

/** A turn whose output message holds `chars` characters (an image's base64, say). */
function bigEntry(id: string, chars: number): StoredResponse {
  const entry = storedEntry(id);
  (entry.response.output[0] as { content: unknown }).content = [
    { type: 'output_text', text: 'x'.repeat(chars) },
  ];
  return entry;
}

const jsonLength = (entry: StoredResponse) => JSON.stringify(entry).length;

describe(`${InMemoryResponseStore.name} byte budget`, () => {
  it('evicts the least recently used responses until the rest fits', async () => {
    const size = jsonLength(bigEntry('resp_1', 10_000));
    const sut = new InMemoryResponseStore(100, size * 3);
    for (const id of ['resp_1', 'resp_2', 'resp_3']) {
      await sut.save(bigEntry(id, 10_000));
    }
    await sut.get('resp_1');
    await sut.save(bigEntry('resp_4', 10_000));

    expect(sut.size).toBe(3);
    expect(sut.bytes).toBe(size * 3);
    expect(await sut.get('resp_2')).toBeUndefined();
    expect(await sut.get('resp_1')).toBeDefined();
    expect(await sut.get('resp_4')).toBeDefined();
  });

  it('refuses a response larger than the whole budget, and keeps the others', async () => {
    const sut = new InMemoryResponseStore(100, 50_000);
    await sut.save(bigEntry('resp_small', 1_000));
    const failure = await sut
      .save(bigEntry('resp_huge', 60_000))
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(GatewayException);
    expect(toOpenAiError(failure as GatewayException)).toMatchObject({
      status: 413,
      body: { error: { code: 'store_entry_too_large', param: 'store' } },
    });
    expect(await sut.get('resp_huge')).toBeUndefined();
    expect(await sut.get('resp_small')).toBeDefined();
  });

  it('refuses a continuation whose conversation no longer fits', async () => {
    const size = jsonLength(bigEntry('resp_1', 10_000));
    const sut = new InMemoryResponseStore(100, Math.floor(size * 2.5));
    await sut.save(bigEntry('resp_1', 10_000));
    await sut.save(bigEntry('resp_2', 10_000), { continues: 'resp_1' });
    await expect(
      sut.save(bigEntry('resp_3', 10_000), { continues: 'resp_2' }),
    ).rejects.toMatchObject({
      options: { openAiCode: 'store_entry_too_large' },
    });
    expect(await sut.get('resp_2')).toBeDefined();
  });

  it('counts a conversation once: its size grows linearly with its turns', async () => {
    const sut = new InMemoryResponseStore(1_000);
    const sizes: number[] = [];
    let previous: StoredResponse | undefined;
    for (let turn = 1; turn <= 100; turn++) {
      const entry = bigEntry(`resp_${turn}`, 1_000);
      entry.history = previous ? conversationItems(previous) : [];
      await sut.save(
        entry,
        previous ? { continues: previous.response.id } : {},
      );
      previous = entry;
      sizes.push(sut.bytes);
    }
    // Copying the history into every turn would make 100 turns 50 times 50 turns' size.
    expect(sizes[99]! / sizes[49]!).toBeLessThan(2.1);
    expect((await sut.get('resp_100'))?.history).toHaveLength(99);
  });

  it('gives the bytes of a deleted response back', async () => {
    const sut = new InMemoryResponseStore(100, 1_000_000);
    await sut.save(bigEntry('resp_1', 10_000));
    await sut.delete('resp_1');
    expect(sut.bytes).toBe(0);
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
