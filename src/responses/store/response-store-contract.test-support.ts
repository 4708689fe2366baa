import { describe, expect, it } from 'vitest';
import type {
  ResponseInputItem,
  ResponseObject,
} from '../../protocol/responses.types.js';
import {
  conversationItems,
  type ResponseStore,
  type StoredResponse,
} from './response-store.js';

/** A stored turn with one output message `out_<id>` and the given input item ids. */
export function storedEntry(
  id: string,
  inputItemIds: string[] = [],
): StoredResponse {
  return {
    response: {
      id,
      object: 'response',
      output: [
        {
          type: 'message',
          id: `out_${id}`,
          role: 'assistant',
          content: [{ type: 'output_text', text: `answer ${id}` }],
        },
      ],
    } as unknown as ResponseObject,
    history: [],
    inputItems: inputItemIds.map((itemId) => message(itemId, `said ${itemId}`)),
  };
}

/**
 * Saves turns `ids[0]`, `ids[1]`… each continuing the one before (with an
 * input item `msg_<id>`) and returns the entries as saved.
 */
export async function saveChain(
  store: ResponseStore,
  ids: readonly string[],
): Promise<StoredResponse[]> {
  const entries: StoredResponse[] = [];
  for (const [index, id] of ids.entries()) {
    const previous = entries[index - 1];
    const entry = storedEntry(id, [`msg_${id}`]);
    entry.history = previous ? conversationItems(previous) : [];
    await store.save(
      entry,
      previous ? { continues: previous.response.id } : {},
    );
    entries.push(entry);
  }
  return entries;
}

function message(id: string, text: string): ResponseInputItem {
  return {
    type: 'message',
    id,
    role: 'user',
    content: [{ type: 'input_text', text }],
  };
}

/**
 * The behaviour every ResponseStore shares, run against each implementation.
 * `makeStore(capacity)` returns a store that starts empty.
 */
export function describeResponseStoreContract(
  name: string,
  makeStore: (capacity: number) => Promise<ResponseStore>,
): void {
  describe(`${name} (ResponseStore contract)`, () => {
    it('saves, gets and deletes a response', async () => {
      const sut = await makeStore(3);
      await sut.save(storedEntry('resp_a', ['msg_a']));
      expect(await sut.get('resp_a')).toEqual(storedEntry('resp_a', ['msg_a']));
      expect(await sut.delete('resp_a')).toBe(true);
      expect(await sut.get('resp_a')).toBeUndefined();
      expect(await sut.delete('resp_a')).toBe(false);
    });

    it('answers undefined and false for ids it never saw', async () => {
      const sut = await makeStore(3);
      expect(await sut.get('resp_unknown')).toBeUndefined();
      expect(await sut.getItem('msg_unknown')).toBeUndefined();
      expect(await sut.delete('resp_unknown')).toBe(false);
    });

    it('finds input and output items by id, until the response is deleted', async () => {
      const sut = await makeStore(3);
      await sut.save(storedEntry('resp_a', ['msg_1', 'msg_2']));
      expect(await sut.getItem('msg_2')).toEqual({
        item: message('msg_2', 'said msg_2'),
      });
      expect((await sut.getItem('out_resp_a'))?.item).toMatchObject({
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'answer resp_a' }],
      });
      await sut.delete('resp_a');
      expect(await sut.getItem('msg_1')).toBeUndefined();
      expect(await sut.getItem('out_resp_a')).toBeUndefined();
    });

    it('evicts the least recently saved response past capacity, with its items', async () => {
      const sut = await makeStore(2);
      await sut.save(storedEntry('resp_a', ['msg_a']));
      await sut.save(storedEntry('resp_b', ['msg_b']));
      await sut.save(storedEntry('resp_c', ['msg_c']));
      expect(await sut.get('resp_a')).toBeUndefined();
      expect(await sut.getItem('msg_a')).toBeUndefined();
      expect(await sut.getItem('out_resp_a')).toBeUndefined();
      expect(await sut.get('resp_b')).toBeDefined();
      expect(await sut.get('resp_c')).toBeDefined();
      expect(await sut.getItem('msg_c')).toBeDefined();
    });

    it('counts a get as a use, so the entry read last survives', async () => {
      const sut = await makeStore(2);
      await sut.save(storedEntry('resp_a'));
      await sut.save(storedEntry('resp_b'));
      await sut.get('resp_a');
      await sut.save(storedEntry('resp_c'));
      expect(await sut.get('resp_b')).toBeUndefined();
      expect(await sut.get('resp_a')).toBeDefined();
      expect(await sut.get('resp_c')).toBeDefined();
    });

    it('replaces a response saved again under the same id, items included', async () => {
      const sut = await makeStore(3);
      await sut.save(storedEntry('resp_a', ['msg_old']));
      await sut.save(storedEntry('resp_a', ['msg_new']));
      expect((await sut.get('resp_a'))?.inputItems.map((i) => i.id)).toEqual([
        'msg_new',
      ]);
      expect(await sut.getItem('msg_old')).toBeUndefined();
      expect(await sut.getItem('msg_new')).toBeDefined();
    });

    it('gives a reused item id to the later response, even after the earlier one goes', async () => {
      const sut = await makeStore(3);
      await sut.save(storedEntry('resp_a', ['msg_shared']));
      const later = storedEntry('resp_b');
      later.inputItems = [message('msg_shared', 'said again')];
      await sut.save(later);
      await sut.delete('resp_a');
      expect(await sut.getItem('msg_shared')).toEqual({
        item: message('msg_shared', 'said again'),
      });
    });

    it('is available', async () => {
      const sut = await makeStore(3);
      expect(() => sut.assertAvailable()).not.toThrow();
    });

    it('rebuilds the history of a chain of continuations, oldest first', async () => {
      const sut = await makeStore(10);
      const [a, b, c] = await saveChain(sut, ['resp_a', 'resp_b', 'resp_c']);
      expect(await sut.get('resp_c')).toEqual(c);
      expect((await sut.get('resp_c'))?.history).toEqual([
        ...conversationItems(a!),
        ...b!.inputItems,
        ...b!.response.output,
      ]);
      expect(await sut.getTurn('resp_c')).toEqual({
        response: c!.response,
        inputItems: c!.inputItems,
      });
    });

    it("takes a continuation's history from the response it links to, not from a copy", async () => {
      const sut = await makeStore(10);
      const [a] = await saveChain(sut, ['resp_a']);
      const b = storedEntry('resp_b');
      await sut.save({ ...b, history: [] }, { continues: 'resp_a' });
      expect((await sut.get('resp_b'))?.history).toEqual(conversationItems(a!));
    });

    it('keeps the history it was given when the response to link to is gone', async () => {
      const sut = await makeStore(10);
      const [a] = await saveChain(sut, ['resp_a']);
      await sut.delete('resp_a');
      const b = { ...storedEntry('resp_b'), history: conversationItems(a!) };
      await sut.save(b, { continues: 'resp_a' });
      await sut.save(storedEntry('resp_c'), { continues: 'resp_unknown' });
      expect(await sut.get('resp_b')).toEqual(b);
      expect(await sut.get('resp_c')).toEqual(storedEntry('resp_c'));
    });

    it('hides a deleted response but keeps the conversations that continue it whole', async () => {
      const sut = await makeStore(10);
      const [, b, c] = await saveChain(sut, ['resp_a', 'resp_b', 'resp_c']);
      expect(await sut.delete('resp_b')).toBe(true);
      expect(await sut.get('resp_b')).toBeUndefined();
      expect(await sut.getTurn('resp_b')).toBeUndefined();
      expect(await sut.getItem('msg_resp_b')).toBeUndefined();
      expect(await sut.delete('resp_b')).toBe(false);
      expect(await sut.get('resp_c')).toEqual(c);
      expect((await sut.get('resp_c'))?.history).toContainEqual(
        b!.inputItems[0],
      );

      expect(await sut.delete('resp_c')).toBe(true);
      expect(await sut.get('resp_c')).toBeUndefined();
      expect(await sut.get('resp_a')).toBeDefined();
    });

    it('evicts a continuation before the response it continues', async () => {
      const sut = await makeStore(4);
      await saveChain(sut, ['resp_a', 'resp_b']);
      await sut.save(storedEntry('resp_x'));
      await sut.save(storedEntry('resp_y'));
      await sut.save(storedEntry('resp_z'));
      // resp_a was saved first, but resp_b links to it: resp_b goes first.
      expect(await sut.getTurn('resp_b')).toBeUndefined();
      expect(await sut.get('resp_a')).toBeDefined();
      expect(await sut.get('resp_x')).toBeDefined();
    });

    it('rebuilds every turn of a conversation longer than its links may be', async () => {
      // A capacity of 4 allows chains of 2 links: later turns keep their history.
      const sut = await makeStore(4);
      const ids = ['resp_1', 'resp_2', 'resp_3', 'resp_4', 'resp_5', 'resp_6'];
      const entries = await saveChain(sut, ids);
      const last = await sut.get('resp_6');
      expect(last).toEqual(entries[5]);
      const userItems = last?.history.filter((item) =>
        item.id?.startsWith('msg_'),
      );
      expect(userItems?.map((item) => item.id)).toEqual(
        ids.slice(0, 5).map((id) => `msg_${id}`),
      );
    });

    it('keeps the owner of a response and of its items', async () => {
      const sut = await makeStore(3);
      const owned = { ...storedEntry('resp_a', ['msg_a']), owner: 'team-a' };
      await sut.save(owned);
      await sut.save(storedEntry('resp_free', ['msg_free']));
      expect(await sut.get('resp_a')).toStrictEqual(owned);
      expect((await sut.getTurn('resp_a'))?.owner).toBe('team-a');
      expect(await sut.getItem('msg_a')).toEqual({
        item: owned.inputItems[0],
        owner: 'team-a',
      });
      expect((await sut.getItem('out_resp_a'))?.owner).toBe('team-a');
      // Saved without an owner: read back without one, not as `owner: undefined`.
      expect(await sut.get('resp_free')).toStrictEqual(
        storedEntry('resp_free', ['msg_free']),
      );
      expect(await sut.getItem('msg_free')).toStrictEqual({
        item: storedEntry('resp_free', ['msg_free']).inputItems[0],
      });
    });

    it("finds and deletes only the filter's owner's responses", async () => {
      const sut = await makeStore(3);
      await sut.save({ ...storedEntry('resp_a'), owner: 'team-a' });
      await sut.save(storedEntry('resp_free'));
      const onlyB = { ifOwnedBy: 'team-b' };
      expect(await sut.get('resp_a', onlyB)).toBeUndefined();
      expect(await sut.getTurn('resp_a', onlyB)).toBeUndefined();
      expect(await sut.delete('resp_a', onlyB)).toBe(false);
      // Without an owner it belongs to no one: no filter finds it.
      expect(await sut.get('resp_free', onlyB)).toBeUndefined();
      expect(await sut.delete('resp_free', onlyB)).toBe(false);
      expect(await sut.get('resp_free')).toBeDefined();

      const onlyA = { ifOwnedBy: 'team-a' };
      expect((await sut.get('resp_a', onlyA))?.owner).toBe('team-a');
      expect((await sut.getTurn('resp_a', onlyA))?.owner).toBe('team-a');
      expect(await sut.delete('resp_a', onlyA)).toBe(true);
      expect(await sut.get('resp_a')).toBeUndefined();
    });

    it('round-trips nested JSON exactly', async () => {
      const sut = await makeStore(3);
      const entry = storedEntry('resp_json', ['msg_json']);
      entry.history = [
        {
          type: 'function_call',
          id: 'fc_1',
          call_id: 'call_1',
          name: 'lookup',
          arguments: '{"q":"naïve \\"quoted\\" 😀","n":[1,2.5,-3e-7]}',
        },
        message('msg_old', 'line one\nline two\t\u0000end'),
      ];
      Object.assign(entry.response, {
        metadata: { empty: '', nested: { deep: [[], {}, [null, true, 0]] } },
        usage: { input_tokens: 12, output_tokens: 0, total_tokens: 12 },
        instructions: null,
      });
      await sut.save(entry);
      expect(await sut.get('resp_json')).toStrictEqual(entry);
    });
  });
}
