import { describe, expect, it } from 'vitest';
import type { ResponseInputItem } from '../../protocol/responses.types.js';
import { pageItems, type ItemListQuery } from '../store/response-store.js';
import type {
  ConversationRecord,
  ConversationStore,
} from './conversation-store.js';

/** A user message item `id` saying `text`. */
export function userItem(id: string, text = `said ${id}`): ResponseInputItem {
  return {
    type: 'message',
    id,
    role: 'user',
    status: 'completed',
    content: [{ type: 'input_text', text }],
  };
}

/** A conversation record `id`, owned by `owner` when given. */
export function conversationRecord(
  id: string,
  owner?: string,
): ConversationRecord {
  return {
    id,
    created_at: 1_700_000_000,
    metadata: { topic: id },
    ...(owner === undefined ? {} : { owner }),
  };
}

const ids = (found: { items: readonly ResponseInputItem[] } | undefined) =>
  found?.items.map((item) => item.id);

/**
 * What every ConversationStore must do. `makeStore(maxItems)` gives a
 * fresh, empty store holding at most `maxItems` items per conversation.
 */
export function describeConversationStoreContract(
  name: string,
  makeStore: (maxItems: number) => Promise<ConversationStore>,
): void {
  describe(`${name} (ConversationStore contract)`, () => {
    it('creates, reads, updates and deletes a conversation with its items', async () => {
      const store = await makeStore(10);
      await store.create(conversationRecord('conv_a'), [userItem('msg_1')]);
      expect(await store.get('conv_a')).toEqual(conversationRecord('conv_a'));
      expect(ids(await store.history('conv_a'))).toEqual(['msg_1']);
      const updated = await store.setMetadata('conv_a', { k: 'v' });
      expect(updated?.metadata).toEqual({ k: 'v' });
      expect((await store.get('conv_a'))?.metadata).toEqual({ k: 'v' });
      expect(await store.delete('conv_a')).toBe(true);
      expect(await store.get('conv_a')).toBeUndefined();
      expect(await store.history('conv_a')).toBeUndefined();
      expect(await store.delete('conv_a')).toBe(false);
    });

    it('appends items in order and deletes one by id', async () => {
      const store = await makeStore(10);
      await store.create(conversationRecord('conv_b'), []);
      expect(await store.append('conv_b', [userItem('msg_1')])).toBe(
        'appended',
      );
      await store.append('conv_b', [userItem('msg_2'), userItem('msg_3')]);
      expect(ids(await store.history('conv_b'))).toEqual([
        'msg_1',
        'msg_2',
        'msg_3',
      ]);
      const deletion = await store.deleteItem('conv_b', 'msg_2');
      expect(deletion).toEqual({
        conversation: conversationRecord('conv_b'),
        deleted: true,
      });
      expect(ids(await store.history('conv_b'))).toEqual(['msg_1', 'msg_3']);
      expect((await store.deleteItem('conv_b', 'msg_2'))?.deleted).toBe(false);
    });

    it('answers an unknown conversation as not found everywhere', async () => {
      const store = await makeStore(10);
      expect(await store.get('conv_none')).toBeUndefined();
      expect(await store.setMetadata('conv_none', {})).toBeUndefined();
      expect(await store.append('conv_none', [userItem('m')])).toBe(
        'not_found',
      );
      expect(await store.deleteItem('conv_none', 'm')).toBeUndefined();
      expect(await store.delete('conv_none')).toBe(false);
    });

    it('refuses an append past maxItems whole, writing nothing', async () => {
      const store = await makeStore(3);
      await store.create(conversationRecord('conv_c'), [userItem('msg_1')]);
      expect(
        await store.append('conv_c', [userItem('msg_2'), userItem('msg_3')]),
      ).toBe('appended');
      expect(await store.append('conv_c', [userItem('msg_4')])).toBe('full');
      expect(ids(await store.history('conv_c'))).toEqual([
        'msg_1',
        'msg_2',
        'msg_3',
      ]);
    });

    it('keeps every item of concurrent appends', async () => {
      const store = await makeStore(1000);
      await store.create(conversationRecord('conv_d'), []);
      const turns = Array.from({ length: 20 }, (_, turn) => [
        userItem(`msg_${turn}_in`),
        userItem(`msg_${turn}_out`),
      ]);
      await Promise.all(turns.map((items) => store.append('conv_d', items)));
      const stored = ids(await store.history('conv_d')) ?? [];
      expect([...stored].sort()).toEqual(
        turns
          .flat()
          .map((i) => i.id)
          .sort(),
      );
      // Each turn's items stay together, in their order.
      for (const [input, output] of turns) {
        expect(stored.indexOf(output!.id as string)).toBe(
          stored.indexOf(input!.id as string) + 1,
        );
      }
    });

    it('lets no other owner read, change or delete a conversation', async () => {
      const store = await makeStore(10);
      await store.create(conversationRecord('conv_e', 'tenant-a'), [
        userItem('msg_1'),
      ]);
      const asB = { ifOwnedBy: 'tenant-b' };
      expect(await store.get('conv_e', asB)).toBeUndefined();
      expect(await store.history('conv_e', asB)).toBeUndefined();
      expect(
        await store.setMetadata('conv_e', { x: 'y' }, asB),
      ).toBeUndefined();
      expect(await store.append('conv_e', [userItem('msg_2')], asB)).toBe(
        'not_found',
      );
      expect(await store.deleteItem('conv_e', 'msg_1', asB)).toBeUndefined();
      expect(await store.delete('conv_e', asB)).toBe(false);
      const asA = { ifOwnedBy: 'tenant-a' };
      expect(await store.get('conv_e', asA)).toEqual(
        conversationRecord('conv_e', 'tenant-a'),
      );
      expect(ids(await store.history('conv_e', asA))).toEqual(['msg_1']);
      expect(await store.delete('conv_e', asA)).toBe(true);
    });

    it('pages like pageItems over every item, in both orders, around deletions', async () => {
      const store = await makeStore(100);
      const held = Array.from({ length: 12 }, (_, n) => userItem(`msg_${n}`));
      await store.create(conversationRecord('conv_p'), held.slice(0, 6));
      await store.append('conv_p', held.slice(6));
      for (const gone of ['msg_0', 'msg_5', 'msg_11']) {
        await store.deleteItem('conv_p', gone);
      }
      const left = held.filter(
        (item) => !['msg_0', 'msg_5', 'msg_11'].includes(String(item.id)),
      );
      const cursors = [undefined, 'msg_1', 'msg_4', 'msg_6', 'msg_10'];
      const queries: ItemListQuery[] = [];
      for (const order of ['asc', 'desc'] as const) {
        for (const limit of [1, 3, 20]) {
          for (const after of [...cursors, 'msg_5', 'msg_none']) {
            for (const before of [...cursors, 'msg_0']) {
              queries.push({ order, limit, after, before });
            }
          }
        }
      }
      for (const query of queries) {
        expect(
          await store.page('conv_p', query),
          JSON.stringify(query),
        ).toEqual(pageItems(left, query));
      }
      expect(ids(await store.history('conv_p'))).toEqual(left.map((i) => i.id));
    });

    it('pages an empty conversation, and finds no page of an unknown or foreign one', async () => {
      const store = await makeStore(10);
      await store.create(conversationRecord('conv_q', 'tenant-a'), []);
      const query = { order: 'desc', limit: 20 } as const;
      expect(await store.page('conv_q', query)).toEqual(pageItems([], query));
      expect(
        await store.page('conv_q', query, { ifOwnedBy: 'tenant-b' }),
      ).toBeUndefined();
      expect(await store.page('conv_none', query)).toBeUndefined();
    });

    it('finds items by id: only those held, and none of a foreign conversation', async () => {
      const store = await makeStore(10);
      await store.create(conversationRecord('conv_i', 'tenant-a'), [
        userItem('msg_1'),
        userItem('msg_2'),
      ]);
      const found = await store.itemsById('conv_i', ['msg_2', 'msg_x']);
      expect(found).toEqual([userItem('msg_2')]);
      expect(await store.itemsById('conv_i', [])).toEqual([]);
      await store.deleteItem('conv_i', 'msg_2');
      expect(await store.itemsById('conv_i', ['msg_2'])).toEqual([]);
      expect(
        await store.itemsById('conv_i', ['msg_1'], { ifOwnedBy: 'tenant-b' }),
      ).toBeUndefined();
      expect(await store.itemsById('conv_none', ['msg_1'])).toBeUndefined();
    });

    it('does not add again an item whose id it holds', async () => {
      const store = await makeStore(10);
      await store.create(conversationRecord('conv_u'), [userItem('msg_1')]);
      await store.append('conv_u', [
        userItem('msg_1', 'again'),
        userItem('msg_2'),
        userItem('msg_2', 'twice'),
      ]);
      const history = await store.history('conv_u');
      expect(history?.items).toEqual([userItem('msg_1'), userItem('msg_2')]);
    });

    it("names a turn's response as what the conversation continues until its items change", async () => {
      const store = await makeStore(100);
      await store.create(conversationRecord('conv_v'), [userItem('msg_0')]);
      const first = await store.history('conv_v');
      expect(first).toMatchObject({ version: 0 });
      expect(first?.continues).toBeUndefined();
      const turn = (n: number, readVersion: number) =>
        store.append(
          'conv_v',
          [userItem(`msg_${n}_in`), userItem(`msg_${n}_out`)],
          {},
          { readVersion, responseId: `resp_${n}` },
        );
      await turn(1, 0);
      const afterTurn = await store.history('conv_v');
      expect(afterTurn?.continues).toBe('resp_1');
      expect(afterTurn?.version).not.toBe(0);
      // A turn that read an older version (another turn came between).
      await turn(2, 0);
      expect((await store.history('conv_v'))?.continues).toBeUndefined();
      await turn(3, (await store.history('conv_v'))!.version);
      expect((await store.history('conv_v'))?.continues).toBe('resp_3');
      // Items added or removed by hand.
      await store.append('conv_v', [userItem('msg_hand')]);
      expect((await store.history('conv_v'))?.continues).toBeUndefined();
      await turn(4, (await store.history('conv_v'))!.version);
      await store.deleteItem('conv_v', 'msg_hand');
      expect((await store.history('conv_v'))?.continues).toBeUndefined();
      // A turn whose input the conversation held already (not added again).
      const version = (await store.history('conv_v'))!.version;
      await store.append(
        'conv_v',
        [userItem('msg_0'), userItem('msg_5_out')],
        {},
        { readVersion: version, responseId: 'resp_5' },
      );
      expect((await store.history('conv_v'))?.continues).toBeUndefined();
      // Metadata is not an item.
      await turn(6, (await store.history('conv_v'))!.version);
      await store.setMetadata('conv_v', { k: 'v' });
      expect((await store.history('conv_v'))?.continues).toBe('resp_6');
    });

    it('hides an ownerless conversation from every owner filter', async () => {
      const store = await makeStore(10);
      await store.create(conversationRecord('conv_f'), []);
      expect(
        await store.get('conv_f', { ifOwnedBy: 'tenant-a' }),
      ).toBeUndefined();
      expect(await store.get('conv_f')).toBeDefined();
    });
  });
}
