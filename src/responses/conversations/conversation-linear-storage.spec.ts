import { describe, expect, it } from 'vitest';
import { chunk } from '../../../test/support/machine-harness.js';
import type { CreateResponseRequest } from '../../protocol/responses.types.js';
import { CompactionSeal } from '../compact/compaction-seal.js';
import { InMemoryResponseStore } from '../store/in-memory-response.store.js';
import {
  conversationItems,
  type StoredResponse,
} from '../store/response-store.js';
import { persistTurn } from '../store/turn-persistence.js';
import { TurnPreparationService } from '../turn-preparation.service.js';
import type { PreparedTurn } from '../turn-preparation.service.js';
import {
  conversationRecord,
  userItem,
} from './conversation-store-contract.test-support.js';
import { InMemoryConversationStore } from './in-memory-conversation.store.js';

const logger = { error: () => undefined };

function setUp() {
  const responses = new InMemoryResponseStore(1_000);
  const conversations = new InMemoryConversationStore({
    maxItems: 1_000,
    capacity: 10,
  });
  const preparation = new TurnPreparationService(
    responses,
    new CompactionSeal('a-long-enough-secret-value'),
    conversations,
  );
  return { responses, conversations, preparation };
}

type Setup = ReturnType<typeof setUp>;

/** Prepares a turn on `conv_1` saying `text` (padded, so items outweigh the rest). */
function prepare(
  { preparation }: Setup,
  text: string,
  fields: Partial<CreateResponseRequest> = { conversation: 'conv_1' },
): Promise<PreparedTurn> {
  return preparation.prepare({
    model: 'm',
    input: `${text} ${'x'.repeat(2_000)}`,
    ...fields,
  });
}

/** Answers a prepared turn and keeps it, as the service does. */
async function finish(setup: Setup, turn: PreparedTurn): Promise<string> {
  turn.machine.start();
  turn.machine.onChunk(chunk({ role: 'assistant', content: 'ok' }));
  turn.machine.onChunk(chunk({}, 'stop'));
  turn.machine.finish();
  await persistTurn(turn, setup.responses, logger);
  return turn.machine.id;
}

async function runTurns(setup: Setup, count: number, from = 0) {
  let last = '';
  for (let n = from; n < from + count; n++) {
    last = await finish(setup, await prepare(setup, `turn ${n}`));
  }
  return last;
}

const idsOf = (items: readonly { id?: unknown }[] | undefined) =>
  items?.map((item) => item.id);

async function conversationIds({ conversations }: Setup) {
  return idsOf((await conversations.history('conv_1'))?.items);
}

/** The whole context a turn continuing `response` is given. */
const chainOf = (stored: StoredResponse | undefined) =>
  idsOf(stored && conversationItems(stored));

describe('the responses of turns on a conversation', () => {
  it('take space linear in the number of turns', async () => {
    const setup = setUp();
    await setup.conversations.create(conversationRecord('conv_1'), []);
    await runTurns(setup, 15);
    const afterFifteen = setup.responses.bytes;
    await runTurns(setup, 15, 15);
    // Copies of the history would make it about 4 times as large.
    expect(setup.responses.bytes).toBeLessThan(2.2 * afterFifteen);
    expect(await conversationIds(setup)).toHaveLength(60);
  });

  it('still give previous_response_id the whole conversation', async () => {
    const setup = setUp();
    await setup.conversations.create(conversationRecord('conv_1'), [
      userItem('msg_created'),
    ]);
    const last = await runTurns(setup, 30);
    const items = await conversationIds(setup);
    expect(items).toHaveLength(61);
    expect(chainOf(await setup.responses.get(last))).toEqual(items);
    const next = await prepare(setup, 'next', { previous_response_id: last });
    expect(idsOf(next.history)).toEqual(items);
  });

  it('keep the right history when items were changed by hand, or turns overlapped', async () => {
    const setup = setUp();
    await setup.conversations.create(conversationRecord('conv_1'), []);
    await runTurns(setup, 2);
    const held = (await conversationIds(setup)) ?? [];
    await setup.conversations.deleteItem('conv_1', String(held[1]));
    await setup.conversations.append('conv_1', [userItem('msg_by_hand')]);
    const edited = await runTurns(setup, 1, 2);
    const afterEdit = await conversationIds(setup);
    expect(chainOf(await setup.responses.get(edited))).toEqual(afterEdit);
    // Two turns read the same conversation; each adds its items.
    const [first, second] = [
      await prepare(setup, 'a'),
      await prepare(setup, 'b'),
    ];
    await finish(setup, first);
    await finish(setup, second);
    const afterBoth = await runTurns(setup, 1, 3);
    const items = await conversationIds(setup);
    expect(items).toHaveLength((afterEdit?.length ?? 0) + 6);
    expect(chainOf(await setup.responses.get(afterBoth))).toEqual(items);
  });

  it('copy the history when the last response was deleted', async () => {
    const setup = setUp();
    await setup.conversations.create(conversationRecord('conv_1'), []);
    const last = await runTurns(setup, 3);
    await setup.responses.delete(last);
    const next = await runTurns(setup, 1, 3);
    expect(chainOf(await setup.responses.get(next))).toEqual(
      await conversationIds(setup),
    );
  });
});
